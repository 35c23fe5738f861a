"""Week 7 checks, diffusion part: the Gaussian marginals of the VP and VE noising SDEs.

Oracle: ``ml4p_ref.week07_generative2.vp_sde_marginal`` / ``ve_sde_marginal`` in float64, themselves
checked against the integral of beta(s) by quadrature and against score_sde's formulas
(``tests/test_ref_week07_dynamics.py``).

Both exercises are observed as the pair ``(mean, std)`` plus, in the gradient cases, the
vector-Jacobian products of each w.r.t. ``x0`` and ``t``. Vector and image-shaped ``x0``, default and
explicit SDE parameters. Properties, on the student's own outputs: VP preserves the variance
(``mean_coeff^2 + std^2 = 1``), ``t = 0`` gives back ``x0`` (std 0 for VP, ``sigma_min`` for VE),
and VE's width grows geometrically (``std(1) = sigma_max``). VP's float32 case at t ~ 1e-4 is the
stability check (``-expm1`` instead of ``1 - exp``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, Unfit, observed_array
from autograder.exercise import Exercise
from autograder.exercises.week07_generative2.dsm import MODULE
from autograder.forbidden import RANDOM_DRAWS
from autograder.hints import Evidence, Hint, all_of, at_stage, explained_by, failed_on
from autograder.probe import ProbeContext, vjp

MEAN, STD, RETURNED = "mean", "std", "returned"
VP_GROUPS = {
    "values": 2.0,
    "stability": 1.0,
    "edge cases": 0.5,
    "gradients": 1.0,
    "properties": 1.0,
}
VE_GROUPS = {"values": 2.0, "edge cases": 0.5, "gradients": 1.0, "properties": 1.0}
VP_DEFAULTS = {"beta_min": 0.1, "beta_max": 20.0}
VE_DEFAULTS = {"sigma_min": 0.01, "sigma_max": 50.0}


def marginal_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``impl(x0, t, **params)`` -> ``(mean, std)``; gradients of each w.r.t. ``x0`` and ``t``."""
    x0, t = inputs["x0"], inputs["t"]
    for name in ctx.grad:
        inputs[name].requires_grad_(True)
    out = ctx.call(impl, x0, t, **inputs.get("params", {}))
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        return {RETURNED: out}
    observations = {MEAN: out[0], STD: out[1]}
    for name, value in zip((MEAN, STD), out, strict=True):
        wrt = {key: inputs[key] for key in ctx.grad}
        for key, grad in vjp(value, wrt, ctx, salt=name).items():
            observations[f"{key} through {name}"] = grad
    return observations


def _pair(observed: Mapping, case: Case) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(x0 as the student saw it, the student's mean, the student's std) in float64."""
    x0 = case.seen("x0")
    return (
        x0,
        observed_array(observed, MEAN, tuple(x0.shape)),
        observed_array(observed, STD, (x0.shape[0],)),
    )


def _mean_coefficient(x0: torch.Tensor, mean: torch.Tensor) -> torch.Tensor:
    """The per-sample factor c with mean = c x0 (least squares over each sample)."""
    flat_x0, flat_mean = x0.flatten(1), mean.flatten(1)
    return (flat_x0 * flat_mean).sum(dim=1) / flat_x0.square().sum(dim=1)


def _preserves_variance(observed: Mapping, case: Case) -> str | None:
    x0, mean, std = _pair(observed, case)
    total = _mean_coefficient(x0, mean).square() + std.square()
    tolerance = case.tolerance_of("closed_form")
    worst = int((total - 1).abs().argmax())
    if float((total - 1).abs().max()) <= tolerance.rtol + tolerance.atol:
        return None
    return (
        f"the VP SDE preserves the variance: mean_coeff^2 + std^2 must be 1, yours is "
        f"{float(total[worst]):.8g} at sample {worst} (t = {float(case.seen('t')[worst]):.4g})"
    )


def _starts_at_data(std_at_zero: Callable[[Case], float]):
    """Property: at t = 0 the mean is x0 and the std is ``std_at_zero(case)``."""

    def check(observed: Mapping, case: Case) -> str | None:
        x0, mean, std = _pair(observed, case)
        tolerance = case.tolerance_of("roundtrip")
        expected = std_at_zero(case)
        if not bool(((mean - x0).abs() <= tolerance.atol * (1 + x0.abs())).all()):
            return "at t = 0 nothing has been noised yet: the mean must be x0"
        if not bool(((std - expected).abs() <= tolerance.atol * (1 + expected)).all()):
            return f"at t = 0 the std must be {expected:g}, yours is {float(std[0]):.6g}"
        return None

    return Property("t = 0 gives back the data", check)


def _grows_geometrically(observed: Mapping, case: Case) -> str | None:
    _, _, std = _pair(observed, case)
    params = {**VE_DEFAULTS, **case.inputs.get("params", {})}
    t = case.seen("t")
    log_expected = torch.lerp(
        torch.full_like(t, params["sigma_min"]).log(),
        torch.full_like(t, params["sigma_max"]).log(),
        t,
    )
    if not bool((std > 0).all()):
        raise Unfit("std: expected positive widths")
    tolerance = case.tolerance_of("closed_form")
    error = (std.log() - log_expected).abs()
    if float(error.max()) <= tolerance.rtol * 10:
        return None
    worst = int(error.argmax())
    return (
        f"ln std must interpolate linearly from ln sigma_min (t = 0) to ln sigma_max (t = 1); at "
        f"t = {float(t[worst]):.4g} your std is {float(std[worst]):.6g}, geometric growth gives "
        f"{float(log_expected[worst].exp()):.6g}"
    )


# ----------------------------------------------------------------------------------------- cases
def _inputs(rng: CaseRng, shape: tuple[int, ...], t: torch.Tensor, **params) -> dict[str, Any]:
    inputs: dict[str, Any] = {"x0": rng.normal(*shape), "t": t}
    if params:
        inputs["params"] = params
    return inputs


def _times(rng: CaseRng, batch: int) -> torch.Tensor:
    return rng.uniform(batch, low=0.05, high=1.0)


def vp_cases(rng: CaseRng) -> list[Case]:
    variance = Property("mean_coeff^2 + std^2 = 1", _preserves_variance)
    at_zero = _starts_at_data(lambda case: 0.0)
    grad = ("x0", "t")
    return [
        Case(
            "vector x0",
            _inputs(rng, (6, 3), _times(rng, 6)),
            dtypes=BOTH,
            grad=grad,
            tolerance="closed_form",
            properties=(variance,),
        ),
        Case(
            "image-shaped x0",
            _inputs(rng, (3, 2, 3, 3), _times(rng, 3)),
            dtypes=BOTH,
            grad=grad,
            tolerance="closed_form",
            properties=(variance,),
        ),
        Case(
            "beta_min=0.5, beta_max=5",
            _inputs(rng, (5, 4), _times(rng, 5), beta_min=0.5, beta_max=5.0),
            dtypes=BOTH,
            grad=grad,
            tolerance="closed_form",
            properties=(variance,),
        ),
        Case(
            "small t (1e-5 to 1e-3)",
            _inputs(rng, (6, 2), 10 ** rng.uniform(6, low=-5, high=-3)),
            group="stability",
            dtypes=BOTH,
            tolerance="closed_form",
        ),
        Case(
            "t = 0",
            _inputs(rng, (4, 3), torch.zeros(4)),
            group="edge cases",
            dtypes=BOTH,
            tolerance="closed_form",
            properties=(at_zero,),
        ),
    ]


def ve_cases(rng: CaseRng) -> list[Case]:
    geometric = Property("ln std linear in t", _grows_geometrically)
    at_zero = _starts_at_data(
        lambda case: {**VE_DEFAULTS, **case.inputs.get("params", {})}["sigma_min"]
    )
    grad = ("x0", "t")
    ends = torch.tensor([0.0, 1.0, 0.5, 1.0])
    return [
        Case(
            "vector x0",
            _inputs(rng, (6, 3), _times(rng, 6)),
            dtypes=BOTH,
            grad=grad,
            tolerance="closed_form",
            properties=(geometric,),
        ),
        Case(
            "image-shaped x0",
            _inputs(rng, (3, 2, 3, 3), _times(rng, 3)),
            dtypes=BOTH,
            grad=grad,
            tolerance="closed_form",
        ),
        Case(
            "sigma_min=0.1, sigma_max=10",
            _inputs(rng, (5, 4), _times(rng, 5), sigma_min=0.1, sigma_max=10.0),
            dtypes=BOTH,
            grad=grad,
            tolerance="closed_form",
            properties=(geometric,),
        ),
        Case(
            "t = 0 and t = 1",
            _inputs(rng, (4, 3), ends),
            group="edge cases",
            dtypes=BOTH,
            tolerance="closed_form",
            properties=(geometric,),
        ),
        Case(
            "t = 0",
            _inputs(rng, (4, 3), torch.zeros(4)),
            group="edge cases",
            tolerance="closed_form",
            properties=(at_zero,),
        ),
    ]


# ----------------------------------------------------------------------------------------- hints
def _params(evidence: Evidence, defaults: Mapping[str, float]) -> dict[str, float]:
    return {**defaults, **evidence.case.inputs.get("params", {})}


def _vp_variant(std_of: Callable[[torch.Tensor], torch.Tensor], log_coeff_of=None):
    """Mistaken (mean, std) from the log mean coefficient, as float64, for the failing key."""

    def variant(evidence: Evidence) -> torch.Tensor | None:
        params = _params(evidence, VP_DEFAULTS)
        t, x0 = evidence.seen("t"), evidence.seen("x0")
        low, high = params["beta_min"], params["beta_max"]
        if log_coeff_of is None:
            log_coeff = -0.25 * t**2 * (high - low) - 0.5 * t * low
        else:
            log_coeff = log_coeff_of(t, low, high)
        if evidence.key == MEAN:
            return log_coeff.exp().reshape((-1,) + (1,) * (x0.dim() - 1)) * x0
        if evidence.key == STD:
            return std_of(log_coeff)
        return None

    return variant


def _vp_std(log_coeff: torch.Tensor) -> torch.Tensor:
    return torch.sqrt(-torch.expm1(2 * log_coeff))


def _float32_cancellation(log_coeff: torch.Tensor) -> torch.Tensor:
    return torch.sqrt(1 - torch.exp(2 * log_coeff.float())).double()


def _ve_variant(std_of: Callable[[torch.Tensor, float, float], torch.Tensor]):
    def variant(evidence: Evidence) -> torch.Tensor | None:
        if evidence.key != STD:
            return None
        params = _params(evidence, VE_DEFAULTS)
        return std_of(evidence.seen("t"), params["sigma_min"], params["sigma_max"])

    return variant


PAIR_HINT = Hint(
    "return the pair (mean, std), std of shape (B,)",
    lambda evidence: RETURNED in evidence.student,
)
VP_HINTS = (
    PAIR_HINT,
    Hint(
        "the exponent is minus half the integral of beta(s) over [0, t], "
        "-t^2 (beta_max - beta_min)/4 - t beta_min/2, not -t beta(t)/2",
        explained_by(
            _vp_variant(_vp_std, lambda t, low, high: -0.5 * t * (low + t * (high - low)))
        ),
    ),
    Hint(
        "std is the square root of 1 - mean_coeff^2 = 1 - exp(2 log_mean_coeff)",
        explained_by(_vp_variant(lambda log_coeff: -torch.expm1(2 * log_coeff))),
    ),
    Hint(
        "std^2 = 1 - mean_coeff^2 = 1 - exp(2 log_mean_coeff): the factor 2 is missing",
        explained_by(_vp_variant(lambda log_coeff: torch.sqrt(-torch.expm1(log_coeff)))),
    ),
    Hint(
        "1 - exp(2 log_mean_coeff) cancels for small t in float32: compute it as "
        "-expm1(2 log_mean_coeff)",
        all_of(
            failed_on(STD), at_stage("values"), explained_by(_vp_variant(_float32_cancellation))
        ),
    ),
)
VE_HINTS = (
    PAIR_HINT,
    Hint(
        "the width grows geometrically, std = sigma_min (sigma_max/sigma_min)^t, not linearly "
        "from sigma_min to sigma_max",
        explained_by(_ve_variant(lambda t, low, high: low + t * (high - low))),
    ),
    Hint(
        "return the standard deviation sigma_min (sigma_max/sigma_min)^t, not its square",
        explained_by(_ve_variant(lambda t, low, high: (low * (high / low) ** t) ** 2)),
    ),
    Hint(
        "std(0) = sigma_min and std(1) = sigma_max: the ratio is sigma_max/sigma_min",
        explained_by(_ve_variant(lambda t, low, high: high * (low / high) ** t)),
    ),
)

EXERCISES = [
    Exercise(
        MODULE,
        "vp_sde_marginal",
        points=1.5,
        cases=vp_cases,
        probe=marginal_probe,
        groups=VP_GROUPS,
        lesson="the exponent is minus half the integral of beta(s) over [0, t], "
        "-t^2 (beta_max - beta_min)/4 - t beta_min/2, not -t beta(t)/2",
        forbidden=RANDOM_DRAWS,
        hints=VP_HINTS,
    ),
    Exercise(
        MODULE,
        "ve_sde_marginal",
        points=1.0,
        cases=ve_cases,
        probe=marginal_probe,
        groups=VE_GROUPS,
        lesson="the width grows geometrically, std = sigma_min (sigma_max/sigma_min)^t",
        forbidden=RANDOM_DRAWS,
        hints=VE_HINTS,
    ),
]
