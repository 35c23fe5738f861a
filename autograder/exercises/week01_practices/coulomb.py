"""Week 1 checks of ``coulomb_energy``: random 2-D and 3-D gases, one and two particles, invariance
under permutations and rotations, and the exact 2-D minima of 2, 3 and 4 charges (energy and
vanishing forces).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    at_stage,
    explained_by,
    failed_on,
    reference,
)
from autograder.probe import ProbeContext, function_probe

MODULE = "week01_practices"
COULOMB_GROUPS = {"values": 3.0, "edge cases": 1.0, "gradients": 2.0, "properties": 2.0}


def exact_minimum(n: int) -> tuple[float, float]:
    """(radius, energy) of the 2-D minimum for n = 2, 3, 4 charges on a regular polygon:
    H(R) = a / R + n R^2 with a = sum over pairs of R / |x_i - x_j|, minimal at R = (a / 2n)^(1/3)."""
    angles = [2 * math.pi * k / n for k in range(n)]
    a = sum(
        1 / math.dist((math.cos(s), math.sin(s)), (math.cos(t), math.sin(t)))
        for index, s in enumerate(angles)
        for t in angles[index + 1 :]
    )
    radius = (a / (2 * n)) ** (1 / 3)
    return radius, a / radius + n * radius**2


def _polygon(rng: CaseRng, n: int, copies: int) -> torch.Tensor:
    """``copies`` randomly rotated minima of n charges in 2-D, shape ``(copies, n, 2)``."""
    radius, _ = exact_minimum(n)
    turn = rng.uniform(copies, 1, low=0.0, high=2 * math.pi)
    angles = turn + 2 * math.pi * torch.arange(n, dtype=torch.float64) / n
    return radius * torch.stack([angles.cos(), angles.sin()], dim=-1)


def _rotation(rng: CaseRng, dim: int) -> torch.Tensor:
    q, r = torch.linalg.qr(rng.normal(dim, dim))
    return q * torch.sign(torch.diagonal(r))


def _spread(rng: CaseRng, batch: int, n: int, dim: int) -> torch.Tensor:
    """Random configurations whose particles are at least 0.05 apart."""
    x = rng.normal(batch, n, dim)
    while n > 1 and float(torch.cdist(x, x).add(torch.eye(n) * 1e3).min()) < 0.05:
        x = rng.normal(batch, n, dim)
    return x


def _copies_agree(name: str, block: int, count: int = 3):
    """The case's batch holds ``count`` blocks, the original first: block ``block`` is the original
    changed by ``name``, and its energies must be the original's."""

    def check(observed: Mapping, case: Case) -> str | None:
        energy = observed_array(observed, "out", (case.inputs["x"].shape[0],))
        original, changed = energy.reshape(count, -1)[[0, block]]
        tolerance = case.tolerance_of("reduction")
        allowed = tolerance.rtol * original.abs() + tolerance.atol * float(original.abs().max())
        gap = (changed - original).abs()
        if bool((gap <= allowed).all()):
            return None
        worst = int(gap.nan_to_num(math.inf).argmax())
        return (
            f"changed by a {name}: energy {float(original[worst]):.10g} became "
            f"{float(changed[worst]):.10g}"
        )

    return check


def _at_minimum(n: int):
    _, energy = exact_minimum(n)

    def check(observed: Mapping, case: Case) -> str | None:
        yours = observed_array(observed, "out", (case.inputs["x"].shape[0],))
        tolerance = case.tolerance_of("closed_form")
        if bool(((yours - energy).abs() <= tolerance.rtol * energy).all()):
            return None
        worst = float(yours[(yours - energy).abs().nan_to_num(math.inf).argmax()])
        return f"the exact minimum of {n} charges in 2-D has H = {energy:.10g}; yours {worst:.10g}"

    return check


def _forces_vanish(observed: Mapping, case: Case) -> str | None:
    """At a minimum the vector-Jacobian product of the energies vanishes, up to the size of the
    trap force 2|x_i| times the cotangent."""
    x = case.seen("x")
    gradient = observed_array(observed, "grad:x", tuple(x.shape))
    cotangent = ProbeContext(case.on("cpu").name).cotangent(torch.zeros(x.shape[0]).double())
    scale = float(cotangent.abs().max()) * 2 * float(x.norm(dim=-1).max())
    tolerance = case.tolerance_of("derivative")
    if not bool(gradient.isfinite().all()):
        return "the forces -dH/dx must vanish at the exact minimum; yours are not finite"
    largest = float(gradient.abs().max())
    if largest <= tolerance.rtol * scale:
        return None
    return f"the forces -dH/dx must vanish at the exact minimum; yours reach {largest:.3g}"


def coulomb_cases(rng: CaseRng) -> list[Case]:
    batch, n = rng.choice(2, 4), rng.choice(4, 6)
    grad = ("x",)
    original = _spread(rng, batch, n, 3)
    permutation = torch.randperm(n, generator=rng.generator)
    rotated = original @ _rotation(rng, 3).T
    invariance = (
        Property("permutation invariance", _copies_agree("permutation of the particles", 1)),
        Property("rotation invariance", _copies_agree("rotation", 2)),
    )
    minima = [
        Case(
            f"exact minimum, {k} charges in 2-D",
            {"x": _polygon(rng, k, 2)},
            group="properties",
            dtypes=BOTH,
            grad=grad,
            properties=(
                Property("energy is the known minimum", _at_minimum(k)),
                Property("forces vanish", _forces_vanish),
            ),
        )
        for k in (2, 3, 4)
    ]
    return [
        Case("random 2-D configurations", {"x": _spread(rng, batch, n, 2)}, dtypes=BOTH, grad=grad),
        Case("random 3-D configurations", {"x": _spread(rng, batch, n, 3)}, dtypes=BOTH, grad=grad),
        Case("one particle: no pairs", {"x": rng.normal(3, 1, 2)}, group="edge cases", grad=grad),
        Case("two particles", {"x": _spread(rng, 3, 2, 2)}, group="edge cases", grad=grad),
        Case(
            "permuted, rotated copies",
            {"x": torch.cat([original, original[:, permutation], rotated])},
            group="properties",
            dtypes=BOTH,
            properties=invariance,
        ),
        *minima,
    ]


def _coulomb_terms(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(pair term, trap term) of each configuration, float64."""
    trap = x.square().sum(dim=(-2, -1))
    return COULOMB(x) - trap, trap


def _coulomb_variant(combine: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]):
    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != "out":
            return None
        x = evidence.seen("x")
        pairs, trap = _coulomb_terms(x)
        return combine(pairs, trap, x)

    return variant


def _particles(count: int) -> Callable[[Evidence], bool]:
    return lambda evidence: evidence.case.inputs["x"].shape[1] == count


COULOMB = reference(MODULE, "coulomb_energy")
COULOMB_HINTS = (
    Hint(
        "with one particle there are no pairs: the Coulomb term is an empty sum, 0",
        all_of(_particles(1), at_stage("raised")),
    ),
    Hint(
        "the gradient of 1/|x_i - x_j| (and of the norm) at i = j is nan even where torch.where "
        "or a mask removes the value: never compute the diagonal (torch.triu_indices(n, n, 1))",
        all_of(failed_on("grad:x"), at_stage("nonfinite")),
    ),
    Hint(
        "the diagonal i = j has |x_i - x_i| = 0 and 1/0 = inf: sum over the pairs i < j only",
        all_of(failed_on("out"), at_stage("nonfinite")),
    ),
    Hint(
        "each pair is counted twice: sum over i < j only (or halve the sum over i != j)",
        explained_by(_coulomb_variant(lambda pairs, trap, x: 2 * pairs + trap)),
    ),
    Hint(
        "the trap term sum_i |x_i|^2 is missing",
        explained_by(_coulomb_variant(lambda pairs, trap, x: pairs)),
    ),
    Hint(
        "the trap term is the squared norm |x_i|^2, summed over the particles",
        explained_by(_coulomb_variant(lambda pairs, trap, x: pairs + x.norm(dim=-1).sum(-1))),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "coulomb_energy",
        points=2.0,
        cases=coulomb_cases,
        probe=function_probe("x"),
        groups=COULOMB_GROUPS,
        lesson="sum over the pairs i < j, once each and never i = j: the full matrix counts every "
        "pair twice and divides by the zero distance of the diagonal",
        hints=COULOMB_HINTS,
    ),
]
