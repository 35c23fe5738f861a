"""Week 5 checks of part 3: ``thermodynamics`` (f, e, c, s from ln Z by autograd), and the
``GroundState`` of ``ground_state``.

Every case hands ``thermodynamics`` an ``lnZ_fn`` that the probe rebuilds from tensors
(``partition.build_lnZ``): the periodic 1-D Ising chain, a few energy levels, and Onsager's
integral for the 2-D Ising model. The four outputs are compared with ``ml4p_ref.week05_diffprog``
(derivatives by ``torch.func.grad``), and so are their gradients w.r.t. the parameters of ``lnZ_fn``
(J, the energy levels), one output at a time: they exist only when both derivatives were taken
with ``create_graph=True``. The "physics" group holds the exact results, checked without the
reference: the long 1-D chain (e = -J tanh K, c = K^2 sech^2 K), Boltzmann averages over the levels,
and Onsager's exact energy at K = 0.3, K_c and 0.6 (curriculum.md 4.1, 4.2, 5.4).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week05_diffprog.ground_state import EXERCISES as GROUND_STATE
from autograder.exercises.week05_diffprog.partition import (
    CRITICAL_K,
    build_lnZ,
    onsager_energy,
)
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    any_of,
    at_stage,
    explained_by,
    failed_on,
)
from autograder.probe import ProbeContext, vjp

MODULE = "week05_diffprog"
GROUPS = {"values": 3.0, "edge cases": 1.0, "gradients": 2.0, "physics": 2.0, "properties": 0.5}
OUTPUTS = ("f", "e", "c", "s")
PARAMETERS = ("J", "energies")  # the tensors an lnZ_fn may depend on


# ----------------------------------------------------------------------------------------- probe
def probe(impl: Callable, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``thermodynamics(lnZ_fn, beta, n_sites)``, each output separately, and the gradient of each
    output w.r.t. the parameters of ``lnZ_fn`` named in ``ctx.grad``."""
    beta = inputs["beta"]
    if inputs.get("beta requires grad", False):
        beta.requires_grad_(True)
    parameters = {name: inputs[name].requires_grad_(True) for name in ctx.grad}
    out = ctx.call(impl, build_lnZ(inputs), beta, inputs["n_sites"])
    if not isinstance(out, Mapping):
        return {"out": out}
    observations = {key: out.get(key) for key in OUTPUTS}
    for key in OUTPUTS:
        wrt = {f"{name} via {key}": tensor for name, tensor in parameters.items()}
        observations.update(vjp(out.get(key), wrt, ctx, salt=key))
    return observations


# ----------------------------------------------------------------------------------------- physics
def _scalar(observed: Mapping, key: str) -> float:
    return float(observed_array(observed, key, ()))


def _agrees(yours: float, exact: float, case: Case) -> bool:
    tolerance = case.tolerance_of("derivative")
    return abs(yours - exact) <= tolerance.rtol * abs(exact) + tolerance.atol


def _expected(exact: Mapping[str, float], what: str) -> Callable:
    """A property: each output named in ``exact(case)`` equals its exact value."""

    def check(observed: Mapping, case: Case) -> str | None:
        for key, value in exact(case).items():
            yours = _scalar(observed, key)
            if not _agrees(yours, value, case):
                return f"{what}: {key} = {value:.10g} exactly; yours {yours:.10g}"
        return None

    return check


def chain_limit(case: Case) -> dict[str, float]:
    """e = -J tanh K and c = K^2 sech^2 K of a long chain (tanh(K)^N below 1e-30)."""
    coupling = float(case.seen("beta")) * float(case.seen("J"))
    return {
        "e": -float(case.seen("J")) * math.tanh(coupling),
        "c": coupling**2 / math.cosh(coupling) ** 2,
    }


def boltzmann(case: Case) -> dict[str, float]:
    """e = <E>, c = beta^2 Var E and s = -sum p ln p over the levels (each site independent)."""
    beta, energies = case.seen("beta"), case.seen("energies")
    log_p = torch.log_softmax(-beta * energies, dim=0)
    p = log_p.exp()
    mean = float((p * energies).sum())
    variance = float((p * (energies - mean) ** 2).sum())
    return {"e": mean, "c": float(beta) ** 2 * variance, "s": float(-(p * log_p).sum())}


def onsager(case: Case) -> dict[str, float]:
    return {"e": onsager_energy(float(case.seen("beta")))}


# ----------------------------------------------------------------------------------------- cases
def _chain(beta: float, coupling: float, n_sites: int) -> dict[str, Any]:
    return {
        "model": "ising1d",
        "beta": torch.tensor(beta, dtype=torch.float64),
        "J": torch.tensor(coupling, dtype=torch.float64),
        "n_sites": n_sites,
    }


def _levels(rng: CaseRng, count: int, beta: float, n_sites: int) -> dict[str, Any]:
    return {
        "model": "levels",
        "beta": torch.tensor(beta, dtype=torch.float64),
        "energies": rng.normal(count, scale=1.5),
        "n_sites": n_sites,
    }


def _levels_case(label: str, inputs: dict[str, Any], **options: Any) -> Case:
    """A case on energy levels: c = beta^2 (<E^2> - <E>^2) / N cancels terms of the size of
    beta^2 max E^2 / N, the scale its float32 error is measured against."""
    terms = float(inputs["beta"] ** 2 * inputs["energies"].square().max()) / inputs["n_sites"]
    return Case(label, inputs, scale=terms, **options)


def _square_lattice(coupling: float, n_sites: int) -> dict[str, Any]:
    beta = torch.tensor(coupling, dtype=torch.float64)
    return {"model": "onsager", "beta": beta, "n_sites": n_sites}


def thermo_cases(rng: CaseRng) -> list[Case]:
    def draw(low: float, high: float) -> float:
        return float(rng.uniform(1, low=low, high=high))

    tolerance = "derivative"
    physics = [
        Case(
            "long 1-D chain, K = 0.8",
            _chain(0.8, 1.0, 400),
            group="physics",
            dtypes=BOTH,
            tolerance=tolerance,
            compare=False,
            properties=(
                Property(
                    "e = -J tanh K, c = K^2 sech^2 K",
                    _expected(chain_limit, "1-D chain"),
                    "physics",
                ),
            ),
        ),
        Case(
            "energy levels, Boltzmann averages",
            _levels(rng, 5, draw(0.3, 1.5), 1),
            group="physics",
            dtypes=BOTH,
            tolerance=tolerance,
            compare=False,
            properties=(
                Property(
                    "e = <E>, c = beta^2 Var E, s = -sum p ln p",
                    _expected(boltzmann, "Boltzmann averages"),
                    "physics",
                ),
            ),
        ),
    ]
    for name, coupling in (("K = 0.3", 0.3), ("critical K_c", CRITICAL_K), ("K = 0.6", 0.6)):
        physics.append(
            Case(
                f"2-D Ising (Onsager), {name}",
                _square_lattice(coupling, 16),
                group="physics",
                dtypes=BOTH,
                tolerance=tolerance,
                compare=False,
                properties=(
                    Property(
                        "Onsager's exact energy",
                        _expected(onsager, f"2-D Ising at K = {coupling:.10g}"),
                        "physics",
                    ),
                ),
            )
        )
    return [
        Case(
            "1-D Ising chain",
            _chain(draw(0.2, 1.5), draw(0.5, 1.5), rng.choice(4, 12)),
            dtypes=BOTH,
            tolerance=tolerance,
            grad=("J",),
        ),
        Case(
            "1-D antiferromagnet, odd N",
            _chain(draw(0.2, 1.5), -draw(0.5, 1.5), 2 * rng.choice(2, 5) + 1),
            dtypes=BOTH,
            tolerance=tolerance,
            grad=("J",),
        ),
        _levels_case(
            "energy levels",
            _levels(rng, rng.choice(3, 6), draw(0.3, 2.0), rng.choice(2, 5)),
            dtypes=BOTH,
            tolerance=tolerance,
            grad=("energies",),
        ),
        Case(
            "2-D Ising (Onsager), high temperature",
            _square_lattice(draw(0.15, 0.3), rng.choice(4, 64)),
            dtypes=BOTH,
            tolerance=tolerance,
        ),
        Case(
            "2-D Ising (Onsager), low temperature",
            _square_lattice(draw(0.6, 0.8), rng.choice(4, 64)),
            dtypes=BOTH,
            tolerance=tolerance,
        ),
        Case(
            "beta already requires grad",
            {**_chain(draw(0.2, 1.5), 1.0, 6), "beta requires grad": True},
            group="edge cases",
            tolerance=tolerance,
            grad=("J",),
        ),
        Case(
            "one site, two levels, low temperature",  # float64: s = ln Z + beta e cancels
            _levels(rng, 2, 3.0, 1),
            group="edge cases",
            tolerance=tolerance,
        ),
        *physics,
    ]


# ----------------------------------------------------------------------------------------- hints
def _from_reference(key: str, mistake: Callable[[Evidence], torch.Tensor]):
    """A variant of output ``key`` computed from the reference's outputs."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != key:
            return None
        return mistake(evidence)

    return variant


def _per_site(evidence: Evidence) -> torch.Tensor | None:
    """The failing output not divided by N."""
    reference = evidence.reference_value()
    n_sites = evidence.case.inputs.get("n_sites", 1)
    return None if reference is None or n_sites == 1 else n_sites * reference


def _beta(evidence: Evidence) -> torch.Tensor:
    return evidence.seen("beta")


def _first_derivative_without_graph(evidence: Evidence) -> bool:
    return "does not require grad" in evidence.raised or "grad_fn" in evidence.raised


def _graph_freed(evidence: Evidence) -> bool:
    return "backward through the graph a second time" in evidence.raised


def _returned_no_dict(evidence: Evidence) -> bool:
    return evidence.key == "f" and "out" in evidence.student


THERMO_HINTS = (
    Hint(
        "c is the derivative of the first derivative: take the first one with "
        "torch.autograd.grad(lnZ, beta, create_graph=True), so that autograd recorded it",
        all_of(at_stage("raised"), _first_derivative_without_graph),
    ),
    Hint(
        "return a dict with the keys 'f', 'e', 'c', 's'",
        all_of(at_stage("type"), _returned_no_dict),
    ),
    Hint(
        "the outputs must stay differentiable in lnZ_fn's parameters: the second "
        "torch.autograd.grad needs create_graph=True too (without it, it also frees the graph)",
        any_of(
            all_of(at_stage("type"), failed_on(*(f"grad:{p} via c" for p in PARAMETERS))),
            all_of(at_stage("raised"), _graph_freed),
        ),
    ),
    Hint(
        "per site: divide by n_sites",
        explained_by(_per_site),
    ),
    Hint(
        "c = beta^2 d^2 ln Z / d beta^2 / N: the factor beta^2 is missing",
        explained_by(_from_reference("c", lambda ev: ev.reference_value("c") / _beta(ev) ** 2)),
    ),
    Hint(
        "e = -d ln Z / d beta / N: the energy is minus the derivative",
        explained_by(_from_reference("e", lambda ev: -ev.reference_value("e"))),
    ),
    Hint(
        "f = -ln Z / (beta N): the factor 1/beta is missing",
        explained_by(_from_reference("f", lambda ev: ev.reference_value("f") * _beta(ev))),
    ),
    Hint(
        "s = (ln Z + beta E) / N with the total energy E = N e, i.e. s = ln Z / N + beta e",
        explained_by(
            _from_reference(
                "s",
                lambda ev: (
                    ev.reference_value("s")
                    - _beta(ev) * ev.reference_value("e") * (1 - 1 / ev.case.inputs["n_sites"])
                ),
            )
        ),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "thermodynamics",
        points=2.0,
        cases=thermo_cases,
        probe=probe,
        groups=GROUPS,
        lesson="the specific heat is a second derivative: the first torch.autograd.grad needs "
        "create_graph=True, otherwise autograd cannot differentiate it again",
        hints=THERMO_HINTS,
    ),
    *GROUND_STATE,
]
