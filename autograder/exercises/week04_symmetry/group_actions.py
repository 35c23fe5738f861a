"""Group actions on batches of particles ``(B, n, dim)``, and the checks that compare transformed
copies: the random rotations, reflections, translations and permutations of week 4 (and ``spread``,
the random configurations they act on).

A symmetry case stacks the original configurations and one transformed copy per action along the
batch (``transformed_copies``); its properties split the student's output back into those blocks
and compare block k with the original block acted on (``invariant_blocks``, ``equivariant_blocks``).
Noether's checks (``total_force_vanishes``, ``total_torque_vanishes``) read forces and positions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import torch

from autograder.case import Case, CaseRng, observed_array

Tensor = torch.Tensor


@dataclass(frozen=True)
class Action:
    """One group element: how it moves positions ``(B, n, dim)``, vectors attached to the particles
    (forces, displacements) and per-particle features ``(B, n, F)``."""

    name: str  # "rotation", "reflection", "translation", "permutation"
    on_positions: Callable[[Tensor], Tensor]
    on_vectors: Callable[[Tensor], Tensor]
    on_features: Callable[[Tensor], Tensor]


def spread(rng: CaseRng, batch: int, n: int, dim: int, gap: float = 0.1) -> torch.Tensor:
    """Random configurations whose particles are at least ``gap`` apart."""
    x = rng.normal(batch, n, dim)
    while n > 1 and float(torch.cdist(x, x).add(torch.eye(n) * 1e3).min()) < gap:
        x = rng.normal(batch, n, dim)
    return x


def orthogonal(rng: CaseRng, dim: int, det: float) -> Tensor:
    """A random orthogonal matrix with determinant ``det`` (+1 a rotation, -1 a reflection), from
    the QR decomposition of a Gaussian matrix."""
    q, r = torch.linalg.qr(rng.normal(dim, dim))
    q = q * torch.sign(torch.diagonal(r))
    if float(torch.linalg.det(q)) * det < 0:
        q = q * torch.tensor([-1.0] + [1.0] * (dim - 1), dtype=q.dtype)
    return q


def actions(rng: CaseRng, n: int, dim: int) -> list[Action]:
    """A random rotation, reflection, translation and (non-trivial) permutation."""
    rotation, reflection = orthogonal(rng, dim, 1.0), orthogonal(rng, dim, -1.0)
    shift = rng.normal(dim, scale=3.0)
    permutation = torch.randperm(n, generator=rng.generator)
    while n > 1 and bool((permutation == torch.arange(n)).all()):
        permutation = torch.randperm(n, generator=rng.generator)
    same = lambda v: v  # noqa: E731

    def rotate(q: Tensor) -> Callable[[Tensor], Tensor]:
        return lambda v: v @ q.to(v.dtype)

    def permute(v: Tensor) -> Tensor:
        return v[:, permutation]

    return [
        Action("rotation", rotate(rotation), rotate(rotation), same),
        Action("reflection", rotate(reflection), rotate(reflection), same),
        Action("translation", lambda v: v + shift.to(v.dtype), same, same),
        Action("permutation", permute, permute, permute),
    ]


def transformed_copies(x: Tensor, group: list[Action], features: bool = False) -> Tensor:
    """The original batch followed by one copy per action, concatenated along the batch."""
    act = (lambda a, v: a.on_features(v)) if features else (lambda a, v: a.on_positions(v))
    return torch.cat([x, *(act(action, x) for action in group)])


# ----------------------------------------------------------------------------------------- checks
def _blocks(observed: Mapping, key: str, case: Case, count: int, trailing: tuple[int, ...]):
    batch = case.inputs["x"].shape[0]
    value = observed_array(observed, key, (batch, *trailing))
    return value.reshape(count, batch // count, *trailing)


def _mismatch(
    changed: Tensor, expected: Tensor, kind: str, case: Case
) -> tuple[bool, float, float]:
    """(agree, worst gap, allowed gap) with the tolerance ``kind`` relative to max|expected|."""
    tolerance = case.tolerance_of(kind)
    scale = max(float(expected.abs().max()), 1e-30) if expected.numel() else 1.0
    allowed = tolerance.atol * scale + tolerance.rtol * expected.abs()
    gap = (changed - expected).abs().nan_to_num(math.inf)
    return bool((gap <= allowed).all()), float(gap.max()) if gap.numel() else 0.0, scale


def invariant_blocks(key: str, index: int, action: Action, count: int, what: str, kind: str):
    """Property check: block ``index`` of output ``key`` (shape ``(B,)``) equals block 0."""

    def check(observed: Mapping, case: Case) -> str | None:
        blocks = _blocks(observed, key, case, count, ())
        agree, gap, scale = _mismatch(blocks[index], blocks[0], kind, case)
        if agree:
            return None
        return (
            f"{what} changed by up to {gap:.3g} (scale {scale:.3g}) under a {action.name} of the "
            f"configuration; it must be invariant"
        )

    return check


RULES = {  # (what the output is, action) -> how it must transform
    ("vectors", "rotation"): "rotate with it: F(x Q) = F(x) Q",
    ("vectors", "reflection"): "reflect with it: F(x R) = F(x) R",
    ("vectors", "translation"): "stay the same: F(x + s) = F(x)",
    ("vectors", "permutation"): "be permuted with the particles: F(P x) = P F(x)",
    ("positions", "rotation"): "rotate with it: x'(x Q) = x'(x) Q",
    ("positions", "reflection"): "reflect with it: x'(x R) = x'(x) R",
    ("positions", "translation"): "move with it: x'(x + s) = x'(x) + s",
    ("positions", "permutation"): "be permuted with the particles: x'(P x) = P x'(x)",
    ("features", "rotation"): "stay the same (invariant features)",
    ("features", "reflection"): "stay the same (invariant features)",
    ("features", "translation"): "stay the same (invariant features)",
    ("features", "permutation"): "be permuted with the particles: h'(P x, P h) = P h'(x, h)",
}


def equivariant_blocks(
    key: str,
    index: int,
    action: Action,
    count: int,
    trailing_of,
    what: str,
    kind: str,
    acts_on: str = "vectors",
):
    """Property check: block ``index`` of output ``key`` is the original block acted on as
    ``acts_on`` ("vectors", "positions" or "features"); ``trailing_of(case)`` gives the output's
    shape after the batch."""
    transform = getattr(action, f"on_{acts_on}")

    def check(observed: Mapping, case: Case) -> str | None:
        blocks = _blocks(observed, key, case, count, tuple(trailing_of(case)))
        expected = transform(blocks[0])
        agree, gap, scale = _mismatch(blocks[index], expected, kind, case)
        if agree:
            return None
        return (
            f"under a {action.name} of the configuration, {what} must "
            f"{RULES[acts_on, action.name]}; yours differ from that by up to {gap:.3g} "
            f"(scale {scale:.3g})"
        )

    return check


def _conservation_bound(case: Case) -> float:
    return case.tolerance_of("conservation").atol


def total_force_vanishes(key: str, what: str):
    """Property check: ``sum_i F_i = 0`` for every configuration (momentum conservation)."""

    def check(observed: Mapping, case: Case) -> str | None:
        x = case.seen("x")
        force = observed_array(observed, key, tuple(x.shape))
        total = force.sum(dim=1).norm(dim=-1)
        scale = force.norm(dim=-1).sum(dim=1).clamp(min=1.0)
        ratio = (total / scale).nan_to_num(math.inf)
        if bool((ratio <= _conservation_bound(case)).all()):
            return None
        worst = int(ratio.argmax())
        return (
            f"{what}: the total force sum_i F_i of configuration {worst} is "
            f"{float(total[worst]):.3g}, not 0 (relative {float(ratio[worst]):.1e}); translation "
            "invariance means momentum conservation, sum_i F_i = 0"
        )

    return check


def total_torque_vanishes(key: str, what: str):
    """Property check: ``sum_i x_i x F_i = 0`` in 3-D (angular momentum conservation)."""

    def check(observed: Mapping, case: Case) -> str | None:
        x = case.seen("x")
        force = observed_array(observed, key, tuple(x.shape))
        torque = torch.linalg.cross(x, force, dim=-1)
        total = torque.sum(dim=1).norm(dim=-1)
        scale = torque.norm(dim=-1).sum(dim=1).clamp(min=1.0)
        ratio = (total / scale).nan_to_num(math.inf)
        if bool((ratio <= _conservation_bound(case)).all()):
            return None
        worst = int(ratio.argmax())
        return (
            f"{what}: the total torque sum_i x_i x F_i of configuration {worst} is "
            f"{float(total[worst]):.3g}, not 0 (relative {float(ratio[worst]):.1e}); rotation "
            "invariance means angular momentum conservation, sum_i x_i x F_i = 0"
        )

    return check
