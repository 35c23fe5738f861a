"""Week 1 checks of ``metropolis_step``: the probe builds ``logp_fn`` from the case (Gaussian,
double well, or a box with ``-inf`` outside); log-densities of size 1e4; every decision kept away
from its threshold so that float32 and float64 decide alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, Unfit, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week01_practices.softmax import GROUPS, MODULE
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

X_NEW, ACCEPTED, RETURNED = "x_new", "accepted", "returned"
SAMPLER_DRAWS = (  # a sampler could also reach for these
    *RANDOM_DRAWS,
    "torch.randint",
    "torch.bernoulli",
    "torch.Tensor.exponential_",
    "torch.distributions",
)


def log_density(inputs: Mapping[str, Any]) -> Callable[[torch.Tensor], torch.Tensor]:
    """The case's unnormalized log-density, ``(B, ...) -> (B,)``, on the tensor's own dtype."""
    kind, beta, shift = inputs["logp"], inputs.get("beta", 1.0), inputs.get("shift", 0.0)

    def squared(x: torch.Tensor) -> torch.Tensor:
        return x.square().flatten(1).sum(dim=1)

    if kind == "gaussian":
        return lambda x: shift - beta * squared(x)
    if kind == "double well":
        return lambda x: shift - beta * (x.square() - 1).square().flatten(1).sum(dim=1)
    if kind == "box":  # -beta |x|^2 inside the cube |x_k| < 1, -inf outside
        return lambda x: torch.where(
            (x.abs() < 1).flatten(1).all(dim=1), -beta * squared(x), -math.inf
        )
    raise ValueError(f"unknown log-density {kind!r}")


def metropolis_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``metropolis_step(x, logp_fn, width, noise, log_u)`` with the case's log-density."""
    x, noise, log_u = inputs["x"], inputs["noise"], inputs["log_u"]
    out = ctx.call(impl, x, log_density(inputs), inputs["width"], noise, log_u)
    if isinstance(out, (tuple, list)) and len(out) == 2:
        return {ACCEPTED: out[1], X_NEW: out[0]}  # the decision first: it explains x_new
    return {RETURNED: out}


def _metropolis_inputs(
    rng: CaseRng, shape: tuple[int, ...], logp: str, width: float, margin: float = 0.1, **params
) -> dict[str, Any]:
    """States, noise and log_u such that every decision is at least ``margin`` from the threshold
    (float32 and float64 then decide alike) and some proposals are accepted, some rejected."""
    inputs: dict[str, Any] = {"logp": logp, "width": width, **params}
    density = log_density(inputs)
    batch = shape[0]
    for _ in range(50):
        if logp == "box":
            x = rng.uniform(*shape, low=-0.9, high=0.9)
        elif logp == "double well":
            x = torch.sign(rng.normal(*shape)) + 0.3 * rng.normal(*shape)
        else:
            x = rng.normal(*shape, scale=(2 * params.get("beta", 1.0)) ** -0.5)
        noise = rng.normal(*shape)
        proposal = x + width * noise
        gain = density(proposal) - density(x)
        log_u = rng.uniform(batch).log()
        close = (log_u - gain).abs() < margin
        log_u = torch.where(close, gain.clamp(max=0) - margin, log_u)
        if logp == "box":  # a rejected proposal outside the box also when u = 0
            log_u = torch.where(gain == -math.inf, -math.inf, log_u)
            near_wall = float((proposal.abs() - 1).abs().min()) < 1e-3
            if near_wall or not bool((gain == -math.inf).any()):
                continue
        accepted = log_u < gain
        if bool(accepted.any()) and not bool(accepted.all()):
            break
    return {**inputs, "x": x, "noise": noise, "log_u": log_u}


def _follows_decision(observed: Mapping, case: Case) -> str | None:
    """x_new is x' where the student's own ``accepted`` is True and x where it is False."""
    item = observed.get(ACCEPTED)
    if item is None or not item.is_array or item.dtype != "bool" or item.data is None:
        raise Unfit(
            f"accepted: expected a bool tensor, got {'nothing' if item is None else item.describe()}"
        )
    x = case.seen("x")
    accepted = item.data.reshape(-1)
    x_new = observed_array(observed, X_NEW, tuple(x.shape))
    if accepted.shape[0] != x.shape[0]:
        raise Unfit(f"accepted: expected shape [{x.shape[0]}], got {list(item.data.shape)}")
    proposal = x + case.inputs["width"] * case.seen("noise")
    tolerance = case.tolerance_of("reduction")
    for row in range(x.shape[0]):
        target = proposal[row] if bool(accepted[row]) else x[row]
        allowed = (
            tolerance.atol * max(float(target.abs().max()), 1.0) + tolerance.rtol * target.abs()
        )
        if not bool(((x_new[row] - target).abs() <= allowed).all()):
            which = (
                "accepted: x_new must be x'" if bool(accepted[row]) else "rejected: x_new must be x"
            )
            return f"configuration {row} was {which} there, for every coordinate"
    return None


def metropolis_cases(rng: CaseRng) -> list[Case]:
    follows = (Property("x_new follows accepted", _follows_decision),)
    return [
        Case(
            "vector states (B, d), Gaussian",
            _metropolis_inputs(rng, (7, 4), "gaussian", 0.8, beta=1.5),
            dtypes=BOTH,
            properties=follows,
        ),
        Case(
            "particles (B, n, dim), double well",
            _metropolis_inputs(rng, (6, 3, 2), "double well", 0.3, beta=2.0),
            dtypes=BOTH,
            properties=follows,
        ),
        Case(
            "B = d: decide per configuration",
            _metropolis_inputs(rng, (4, 4), "gaussian", 0.7),
            properties=follows,
        ),
        Case(
            "log-densities near -1e4",
            _metropolis_inputs(rng, (8, 3), "gaussian", 0.8, shift=-1e4),
            group="stability",
            dtypes=BOTH,
        ),
        Case(
            "log-densities near +1e4",
            _metropolis_inputs(rng, (8, 3), "gaussian", 0.8, shift=1e4),
            group="stability",
            dtypes=BOTH,
        ),
        Case(
            "logp(x') = -inf is rejected",
            _metropolis_inputs(rng, (8, 3), "box", 0.6),
            group="edge cases",
            dtypes=BOTH,
        ),
    ]


def _gain(evidence: Evidence) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(x, x', logp(x') - logp(x)) in the case's dtype, as the student saw them."""
    dtype, inputs = evidence.case.dtype, evidence.case.inputs
    x = evidence.seen("x").to(dtype)
    proposal = x + inputs["width"] * evidence.seen("noise").to(dtype)
    density = log_density(inputs)
    return x, proposal, density(proposal) - density(x)


def _decision_variant(decide: Callable[[torch.Tensor, torch.Tensor, Evidence], torch.Tensor]):
    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != ACCEPTED:
            return None
        _, _, gain = _gain(evidence)
        log_u = evidence.seen("log_u").to(evidence.case.dtype)
        return decide(log_u, gain, evidence)

    return variant


def _ratio_of_exps(log_u: torch.Tensor, gain: torch.Tensor, evidence: Evidence) -> torch.Tensor:
    x, proposal, _ = _gain(evidence)
    density = log_density(evidence.case.inputs)
    return log_u.exp() < density(proposal).exp() / density(x).exp()


def _unbroadcast_where(evidence: Evidence) -> torch.Tensor | None:
    """``torch.where(accepted, x', x)`` with ``accepted`` aligned with the last axis."""
    accepted = evidence.reference_value(ACCEPTED)
    if evidence.key != X_NEW or accepted is None:
        return None
    x, proposal, _ = _gain(evidence)
    try:
        return torch.where(accepted.bool(), proposal, x).double()
    except RuntimeError:
        return None


METROPOLIS_HINTS = (
    Hint(
        "return the pair (x_new, accepted)",
        lambda evidence: RETURNED in evidence.student,
    ),
    Hint(
        "accepted has shape (B,): broadcast it over the trailing dims before torch.where, e.g. "
        "accepted.view(-1, *[1] * (x.dim() - 1))",
        any_of(
            all_of(raised("RuntimeError"), lambda e: e.case.inputs["x"].dim() > 2),
            explained_by(_unbroadcast_where),
        ),
    ),
    Hint(
        "accepted is the comparison itself, a bool tensor of shape (B,)",
        all_of(failed_on(ACCEPTED), at_stage("dtype", "shape", "type")),
    ),
    Hint(
        "compare in the log domain, log_u < logp(x') - logp(x): exp of a log-density of size 1e4 "
        "is 0 or inf, and the ratio 0/0 or inf/inf is nan",
        explained_by(_decision_variant(_ratio_of_exps)),
    ),
    Hint(
        "accept only when log_u < logp(x') - logp(x), strictly: a proposal with logp = -inf is "
        "rejected even when log_u = -inf",
        explained_by(_decision_variant(lambda log_u, gain, e: log_u <= gain)),
    ),
    Hint(
        "the gain is logp(x') - logp(x), proposal minus current",
        explained_by(_decision_variant(lambda log_u, gain, e: log_u < -gain)),
    ),
    Hint(
        "log_u is already the logarithm of u: compare log_u < logp(x') - logp(x)",
        any_of(
            explained_by(_decision_variant(lambda log_u, gain, e: log_u.exp() < gain)),
            explained_by(_decision_variant(lambda log_u, gain, e: log_u < gain.exp())),
        ),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "metropolis_step",
        points=2.0,
        cases=metropolis_cases,
        probe=metropolis_probe,
        groups=GROUPS,
        lesson="accept in the log domain, log_u < logp(x') - logp(x): the ratio of the densities "
        "is 0/0 or inf/inf for log-densities of size 1e4",
        forbidden=SAMPLER_DRAWS,
        hints=METROPOLIS_HINTS,
    ),
]
