"""Week 7 checks, Hamiltonian part: one Hamiltonian Monte Carlo transition.

Oracle: ``ml4p_ref.week07_generative2.hmc_step`` in float64 (force by autograd, merged kicks), itself checked against the harmonic one-step matrix raised to the n_leap-th power, a
per-sample Metropolis test written out, and the invariance of a Gaussian target
(``tests/test_ref_week07_dynamics.py``; curriculum.md 7.5).

The probe builds ``energy_fn`` from the case: the anharmonic ``V = sum(q^4/4 - cos q)`` or a
correlated Gaussian ``V = q^T A q / 2``. Values: ``accepted`` and ``q_new`` for injected ``p0`` and
``log_u``, every decision kept at least 0.1 from its threshold (float32 and float64 decide alike),
some proposals accepted, some rejected, and at least one that the test without the kinetic energy
decides otherwise; ``q_new`` must carry no autograd graph. Edge case: the call under
``torch.no_grad()``. Limits: ``log_u = -inf`` accepts everything (``q_new`` is the end of n_leap
leapfrog steps, computed here), ``log_u = +inf`` rejects everything (``q_new = q``). Statistics:
10000 chains drawn from the Gaussian target keep its mean and covariance over three transitions,
within 5 standard errors computed from the samples (float64, momenta and uniforms drawn here).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, Unfit, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week07_generative2.dsm import MODULE
from autograder.forbidden import RANDOM_DRAWS
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    any_of,
    at_stage,
    explained_by,
    failed_on,
    raised,
)
from autograder.probe import ProbeContext

Q_NEW, ACCEPTED, RETURNED = "q_new", "accepted", "returned"
GRAPH = "q_new.requires_grad"
HMC_GROUPS = {
    "values": 3.0,
    "edge cases": 0.5,
    "limits": 1.0,
    "statistics": 2.0,
    "properties": 0.5,
}
STANDARD_ERRORS = 5.0
PRECISION = ((1.0, 0.6), (0.6, 2.5))  # A of the Gaussian target exp(-q^T A q / 2)
TRANSITIONS = 3


def energy_of(inputs: Mapping[str, Any]) -> Callable[[torch.Tensor], torch.Tensor]:
    """The case's potential ``(B, n) -> (B,)``: Gaussian ``q^T A q / 2`` or ``sum(q^4/4 - cos q)``."""
    if inputs["potential"] == "gaussian":
        precision = inputs["precision"]
        return lambda q: 0.5 * ((q @ precision.to(q)) * q).sum(dim=-1)
    return lambda q: (q.pow(4) / 4 - torch.cos(q)).sum(dim=-1)


def leapfrog_path(
    q: torch.Tensor, p: torch.Tensor, energy: Callable, dt: float, n_leap: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(q*, p*)`` after ``n_leap`` kick-drift-kick steps of unit mass, force by autograd."""

    def force(x: torch.Tensor) -> torch.Tensor:
        with torch.enable_grad():
            x = x.detach().requires_grad_(True)
            return torch.autograd.grad(energy(x).sum(), x)[0]

    for _ in range(n_leap):
        p = p - dt / 2 * force(q)
        q = q + dt * p
        p = p - dt / 2 * force(q)
    return q, p


def energy_change(
    inputs: Mapping[str, Any],
    q: torch.Tensor,
    p0: torch.Tensor,
    kinetic: float = 1.0,
    extra_steps: int = 0,
) -> torch.Tensor:
    """``H(q*, p*) - H(q, p0)`` per sample, with the kinetic energy weighted by ``kinetic`` (and
    ``n_leap + extra_steps`` leapfrog steps, for hints)."""
    energy = energy_of(inputs)
    steps = inputs["n_leap"] + extra_steps
    q_end, p_end = leapfrog_path(q, p0, energy, inputs["dt"], steps)
    kinetic_change = 0.5 * (p_end.square() - p0.square()).sum(dim=-1)
    return energy(q_end) - energy(q) + kinetic * kinetic_change


def hmc_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``hmc_step(q, energy_fn, dt, n_leap, p0, log_u)`` (under ``torch.no_grad()`` where the case
    says so), or ``TRANSITIONS`` chained transitions for the statistical case."""
    if "transitions" in inputs:
        return _chain(impl, inputs, ctx)
    conditions = torch.no_grad if inputs.get("no_grad") else contextlib.nullcontext
    args = (inputs["q"], energy_of(inputs), inputs["dt"], inputs["n_leap"])
    out = ctx.call_under(conditions, impl, *args, inputs["p0"], inputs["log_u"])
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        return {RETURNED: out}
    graph = bool(getattr(out[0], "requires_grad", False))
    return {ACCEPTED: out[1], Q_NEW: out[0], GRAPH: torch.tensor(graph, device=inputs["q"].device)}


def _chain(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    state, energy = inputs["q"], energy_of(inputs)
    for p0, log_u in zip(inputs["p0"], inputs["log_u"], strict=True):
        out = ctx.call(impl, state, energy, inputs["dt"], inputs["n_leap"], p0, log_u)
        if not (isinstance(out, (tuple, list)) and len(out) == 2 and torch.is_tensor(out[0])):
            return {RETURNED: out}
        state = out[0].detach()
    return {Q_NEW: state}


# ----------------------------------------------------------------------------------------- cases
def _hmc_inputs(
    rng: CaseRng, batch: int, n: int, dt: float, n_leap: int, margin: float = 0.1, **params
) -> dict[str, Any]:
    """States, momenta and log_u with every decision at least ``margin`` from its threshold, some
    proposals accepted, some rejected, one decided otherwise without the kinetic energy."""
    inputs: dict[str, Any] = {"potential": "anharmonic", "dt": dt, "n_leap": n_leap, **params}
    for _ in range(50):
        q, p0 = rng.normal(batch, n), rng.normal(batch, n)
        gain = -energy_change(inputs, q, p0)
        log_u = rng.uniform(batch).log()
        log_u = torch.where((log_u - gain).abs() < margin, gain.clamp(max=0) - margin, log_u)
        accepted = log_u < gain
        without_kinetic = log_u < -energy_change(inputs, q, p0, kinetic=0.0)
        mixed = bool(accepted.any()) and not bool(accepted.all())
        if mixed and bool((without_kinetic != accepted).any()):
            break
    return {**inputs, "q": q, "p0": p0, "log_u": log_u}


def _limit_inputs(rng: CaseRng, log_u: float) -> dict[str, Any]:
    inputs = _hmc_inputs(rng, 6, 3, 0.5, 4)
    return {**inputs, "log_u": torch.full((6,), log_u, dtype=torch.float64)}


def _stationary_inputs(rng: CaseRng, chains: int) -> dict[str, Any]:
    precision = torch.tensor(PRECISION, dtype=torch.float64)
    factor = torch.linalg.cholesky(torch.linalg.inv(precision))
    return {
        "potential": "gaussian",
        "precision": precision,
        "dt": 0.6,
        "n_leap": 5,
        "transitions": TRANSITIONS,
        "q": rng.normal(chains, 2) @ factor.T,
        "p0": rng.normal(TRANSITIONS, chains, 2),
        "log_u": rng.uniform(TRANSITIONS, chains).log(),
    }


def hmc_cases(rng: CaseRng) -> list[Case]:
    gaussian = {"potential": "gaussian", "precision": torch.tensor(PRECISION, dtype=torch.float64)}
    return [
        Case(
            "anharmonic V, (B, n) = (8, 3), n_leap = 5", _hmc_inputs(rng, 8, 3, 0.5, 5), dtypes=BOTH
        ),
        Case("anharmonic V, n_leap = 1", _hmc_inputs(rng, 8, 2, 0.9, 1), dtypes=BOTH),
        Case(
            "correlated Gaussian V, n_leap = 4",
            _hmc_inputs(rng, 8, 2, 1.0, 4, **gaussian),
            dtypes=BOTH,
        ),
        Case(
            "called under torch.no_grad()",
            {**_hmc_inputs(rng, 6, 2, 0.5, 3), "no_grad": True},
            group="edge cases",
        ),
        Case(
            "log_u = -inf accepts every proposal",
            _limit_inputs(rng, -math.inf),
            dtypes=BOTH,
            compare=False,
            properties=(Property("n_leap leapfrog steps", _all_accepted, "limits"),),
        ),
        Case(
            "log_u = +inf rejects every proposal",
            _limit_inputs(rng, math.inf),
            dtypes=BOTH,
            compare=False,
            properties=(Property("q_new = q", _all_rejected, "limits"),),
        ),
        Case(
            f"Gaussian target, 10000 chains, {TRANSITIONS} transitions",
            _stationary_inputs(rng, 10000),
            compare=False,
            properties=(Property("target kept", _keeps_target, "statistics"),),
        ),
    ]


# ------------------------------------------------------------------------------------ properties
def _flags(observed: Mapping, batch: int) -> torch.Tensor:
    item = observed.get(ACCEPTED)
    if item is None or not item.is_array or item.dtype != "bool" or item.data is None:
        got = "nothing" if item is None else item.describe()
        raise Unfit(f"accepted: expected a bool tensor of shape [{batch}], got {got}")
    if tuple(item.data.shape) != (batch,):
        raise Unfit(f"accepted: expected shape [{batch}], got {list(item.data.shape)}")
    return item.data


def _all_accepted(observed: Mapping, case: Case) -> str | None:
    q, inputs = case.seen("q"), case.inputs
    if not bool(_flags(observed, q.shape[0]).all()):
        return "log_u = -inf: every proposal must be accepted (-inf < -(H_new - H_old))"
    q_new = observed_array(observed, Q_NEW, tuple(q.shape))
    energy = energy_of(inputs)
    expected, _ = leapfrog_path(q, case.seen("p0"), energy, inputs["dt"], inputs["n_leap"])
    error = float(((q_new - expected).abs() / (1 + expected.abs())).max())
    if error <= case.tolerance_of("roundtrip").atol:
        return None
    return (
        f"log_u = -inf accepts every proposal, so q_new must be the end of n_leap = "
        f"{inputs['n_leap']} leapfrog steps of size dt from (q, p0); yours is off by {error:.3g} "
        "(relative to 1 + |q*|)"
    )


def _all_rejected(observed: Mapping, case: Case) -> str | None:
    q = case.seen("q")
    if bool(_flags(observed, q.shape[0]).any()):
        return "log_u = +inf: every proposal must be rejected (+inf < -(H_new - H_old) is False)"
    q_new = observed_array(observed, Q_NEW, tuple(q.shape))
    if torch.equal(q_new, q):
        return None
    error = float((q_new - q).abs().max())
    return (
        f"log_u = +inf rejects every proposal, so q_new must be q itself; yours differs by up to "
        f"{error:.3g} (keep q where the proposal is rejected, e.g. torch.where(accepted[:, None], "
        "q*, q))"
    )


def gaussian_moments(states: torch.Tensor) -> dict[str, tuple[float, float]]:
    """Sample means and second moments ``E[q_i q_j]`` (i <= j) with their standard errors."""
    count = states.shape[0]
    moments = {f"E[q_{i}]": states[:, i] for i in range(states.shape[1])}
    for i in range(states.shape[1]):
        for j in range(i, states.shape[1]):
            moments[f"E[q_{i} q_{j}]"] = states[:, i] * states[:, j]
    return {
        name: (float(values.mean()), float(values.std()) / math.sqrt(count))
        for name, values in moments.items()
    }


def _keeps_target(observed: Mapping, case: Case) -> str | None:
    inputs = case.inputs
    states = observed_array(observed, Q_NEW, tuple(inputs["q"].shape))
    covariance = torch.linalg.inv(inputs["precision"])
    exact = {f"E[q_{i}]": 0.0 for i in range(states.shape[1])}
    for i in range(states.shape[1]):
        for j in range(i, states.shape[1]):
            exact[f"E[q_{i} q_{j}]"] = float(covariance[i, j])
    distances = {}
    for name, (estimate, standard_error) in gaussian_moments(states).items():
        gap = abs(estimate - exact[name])
        distances[name] = (
            gap / standard_error if standard_error > 0 else (math.inf if gap > 0 else 0.0)
        )
    worst = max(distances, key=distances.get)
    if distances[worst] <= STANDARD_ERRORS:
        return None
    estimate = gaussian_moments(states)[worst][0]
    return (
        f"chains started from the target exp(-q^T A q/2) must stay distributed as the target "
        f"(HMC leaves exp(-V) invariant); after {TRANSITIONS} transitions {worst} is "
        f"{estimate:.5f}, exact {exact[worst]:.5f}, {distances[worst]:.0f} standard errors away"
    )


# ----------------------------------------------------------------------------------------- hints
def _decision_variant(kinetic: float = 1.0, sign: float = 1.0, extra_steps: int = 0):
    """The decision ``log_u < -sign * (dV + kinetic * dK)`` after ``n_leap + extra_steps`` steps,
    in the case's dtype."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != ACCEPTED or evidence.case.inputs["n_leap"] + extra_steps < 0:
            return None
        dtype = evidence.case.dtype
        q, p0 = evidence.seen("q").to(dtype), evidence.seen("p0").to(dtype)
        change = energy_change(evidence.case.inputs, q, p0, kinetic, extra_steps)
        return evidence.seen("log_u").to(dtype) < -sign * change

    return variant


def _proposal_everywhere(evidence: Evidence) -> torch.Tensor | None:
    """q* for every sample, rejected ones included."""
    inputs = evidence.case.inputs
    if evidence.key != Q_NEW or "transitions" in inputs:
        return None
    q, p0 = evidence.seen("q"), evidence.seen("p0")
    return leapfrog_path(q, p0, energy_of(inputs), inputs["dt"], inputs["n_leap"])[0]


def _steps_variant(offset: int):
    """``(n_leap + offset steps, n_leap steps)`` from (q, p0), for the all-accept limit."""

    def variant(evidence: Evidence) -> tuple[torch.Tensor, torch.Tensor] | None:
        inputs = evidence.case.inputs
        if evidence.key != "n_leap leapfrog steps" or inputs["n_leap"] + offset < 0:
            return None
        q, p0, energy = evidence.seen("q"), evidence.seen("p0"), energy_of(inputs)
        wrong = leapfrog_path(q, p0, energy, inputs["dt"], inputs["n_leap"] + offset)[0]
        return wrong, leapfrog_path(q, p0, energy, inputs["dt"], inputs["n_leap"])[0]

    return variant


HMC_HINTS = (
    Hint("return the pair (q_new, accepted)", lambda evidence: RETURNED in evidence.student),
    Hint(
        "accepted is the comparison itself, a bool tensor of shape (B,)",
        all_of(failed_on(ACCEPTED), at_stage("dtype", "shape", "type")),
    ),
    Hint(
        "the gradient of energy_fn needs autograd also when hmc_step is called under "
        "torch.no_grad(): take it inside `with torch.enable_grad():`, on "
        "x.detach().requires_grad_(True)",
        all_of(raised("RuntimeError"), lambda evidence: evidence.case.group == "edge cases"),
    ),
    Hint(
        "return q_new without autograd graph: take the gradient of energy_fn on a detached copy "
        "(x.detach().requires_grad_(True)) and move q.detach(), not that copy",
        failed_on(GRAPH),
    ),
    Hint(
        "the Metropolis test is on the change of the total energy H = V(q) + |p|^2/2: include "
        "the kinetic energy of p0 and of the final momentum p*",
        explained_by(_decision_variant(kinetic=0.0)),
    ),
    Hint(
        "take exactly n_leap leapfrog steps from (q, p0)",
        any_of(
            explained_by(_decision_variant(extra_steps=-1)),
            explained_by(_decision_variant(extra_steps=1)),
        ),
    ),
    Hint(
        "keep q where the proposal is rejected: q_new = torch.where(accepted[:, None], q*, q)",
        explained_by(_proposal_everywhere),
    ),
    Hint(
        "accept when log_u < -(H_new - H_old): a proposal that lowers the energy is always "
        "accepted (mind the sign of the change)",
        explained_by(_decision_variant(sign=-1.0)),
    ),
    Hint(
        "the kinetic energy of unit mass is |p|^2/2",
        explained_by(_decision_variant(kinetic=2.0)),
    ),
    Hint(
        "take exactly n_leap leapfrog steps from (q, p0)",
        any_of(
            explained_by(_steps_variant(-1), key=Q_NEW), explained_by(_steps_variant(1), key=Q_NEW)
        ),
    ),
)

EXERCISES = [
    Exercise(
        MODULE,
        "hmc_step",
        points=3.0,
        cases=hmc_cases,
        probe=hmc_probe,
        groups=HMC_GROUPS,
        lesson="the Metropolis test of HMC is on the total energy H = V(q) + |p|^2/2, the kinetic "
        "energy included: accept iff log_u < -(H(q*, p*) - H(q, p0))",
        forbidden=RANDOM_DRAWS,
        hints=HMC_HINTS,
    ),
]
