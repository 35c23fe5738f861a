"""Week 6 checks of ``neg_elbo`` (Eq. 53) on the linear-Gaussian model of curriculum.md 6.2.

Model: p(z) = N(0, 1), p(x|z) = N(a z + b, s^2), one latent and one observed dimension, and a
Gaussian q(z|x) = N(m, v) per input. The probe passes ``log_joint`` and ``log_q`` built from the
case's tensors (the means and log-variances of q are inputs, so gradients w.r.t. them and w.r.t.
``z`` are compared with the reference's). Exact results, in their own group: at the exact posterior
q* = N(a (x - b) / (s^2 + a^2), s^2 / (s^2 + a^2)) every single sample gives -ln p(x); for a
perturbed Gaussian q the estimate agrees with the closed form
-ELBO = 1/2 ln(2 pi s^2) + [(x - a m - b)^2 + a^2 v] / (2 s^2) + 1/2 (m^2 + v - 1 - ln v)
within 5 standard errors (computed from the samples the grader passes in) and lies above -ln p(x).
Oracle: ``ml4p_ref.week06_generative1.neg_elbo`` in float64, and the closed forms, checked by
quadrature in tests/test_ref_week06_variational.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.hints import Evidence, Hint, explained_by, reference, scaled
from autograder.probe import ProbeContext, vjp

MODULE = "week06_generative1"
ELBO_GROUPS = {"values": 3.0, "gradients": 1.0, "exact results": 2.0, "properties": 0.5}
MODEL = {"a": 1.3, "b": -0.4, "s": 0.7}  # p(x|z) = N(a z + b, s^2)
LOG_2PI = math.log(2 * math.pi)


# ------------------------------------------------------------------------------ the model
def log_normal(value: torch.Tensor, mean: Any, logvar: Any) -> torch.Tensor:
    """ln N(value; mean, exp(logvar)), elementwise."""
    logvar = torch.as_tensor(logvar, dtype=value.dtype, device=value.device)
    return -0.5 * ((value - mean).square() / logvar.exp() + logvar + LOG_2PI)


def model_callables(inputs: Mapping[str, Any]) -> tuple[Callable, Callable]:
    """``log_joint(x, z) -> (K, B)`` and ``log_q(z, x) -> (K, B)`` of the case (sums over the last
    dim); ``log_q`` uses the case's ``q_mean`` and ``q_logvar`` tensors, so gradients reach them."""
    a, b, s = inputs["a"], inputs["b"], inputs["s"]
    q_mean, q_logvar = inputs["q_mean"], inputs["q_logvar"]

    def log_joint(x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        prior = log_normal(z, 0.0, 0.0)
        likelihood = log_normal(x, a * z + b, 2 * math.log(s))
        return (prior + likelihood).sum(dim=-1)

    def log_q(z: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return log_normal(z, q_mean, q_logvar).sum(dim=-1)

    return log_joint, log_q


def exact_posterior(x: torch.Tensor, a: float, b: float, s: float) -> tuple[torch.Tensor, float]:
    """(mean, variance) of p(z|x) for the linear-Gaussian model."""
    return a * (x - b) / (s**2 + a**2), s**2 / (s**2 + a**2)


def minus_log_evidence(x: torch.Tensor, a: float, b: float, s: float) -> torch.Tensor:
    """-ln p(x) = 1/2 [(x - b)^2 / (a^2 + s^2) + ln(a^2 + s^2) + ln 2 pi], summed over the last dim."""
    total = a**2 + s**2
    return (0.5 * ((x - b).square() / total + math.log(total) + LOG_2PI)).sum(dim=-1)


def closed_form_neg_elbo(
    x: torch.Tensor, mean: torch.Tensor, variance: torch.Tensor, a: float, b: float, s: float
) -> torch.Tensor:
    """-ELBO of q = N(mean, variance) in closed form (curriculum.md 6.2), summed over the last dim."""
    reconstruction = 0.5 * math.log(2 * math.pi * s**2) + (
        (x - a * mean - b).square() + a**2 * variance
    ) / (2 * s**2)
    kl = 0.5 * (mean.square() + variance - 1 - variance.log())
    return (reconstruction + kl).sum(dim=-1)


# ------------------------------------------------------------------------------ probe and cases
def elbo_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``neg_elbo(x, z, log_joint, log_q)`` with the case's model; gradients w.r.t. ``ctx.grad``."""
    for name in ctx.grad:
        inputs[name].requires_grad_(True)
    log_joint, log_q = model_callables(inputs)
    output = ctx.call(impl, inputs["x"], inputs["z"], log_joint, log_q)
    observations = {"out": output}
    observations.update(vjp(output, {name: inputs[name] for name in ctx.grad}, ctx))
    return observations


def _inputs(rng: CaseRng, batch: int, samples: int, q: str) -> dict[str, Any]:
    """x from the model, q exact ("exact"), perturbed from it ("perturbed") or random
    ("random"), and z = m + sqrt(v) eps drawn from q."""
    a, b, s = MODEL["a"], MODEL["b"], MODEL["s"]
    x = a * rng.normal(batch, 1) + b + s * rng.normal(batch, 1)
    mean, variance = exact_posterior(x, a, b, s)
    logvar = torch.full_like(x, math.log(variance))
    if q == "perturbed":
        mean, logvar = mean + rng.uniform(batch, 1, low=0.5, high=1.0), logvar + 0.8
    elif q == "random":
        mean, logvar = rng.normal(batch, 1), rng.normal(batch, 1, scale=0.5)
    z = mean + (0.5 * logvar).exp() * rng.normal(samples, batch, 1)
    return {"x": x, "z": z, "q_mean": mean, "q_logvar": logvar, **MODEL}


def _per_sample(case: Case) -> torch.Tensor:
    """ln q - ln p(x, z) of every sample, ``(K, B)``, float64, as the student's inputs give it."""
    seen = {name: case.seen(name) for name in ("x", "z", "q_mean", "q_logvar")}
    log_joint, log_q = model_callables({**case.inputs, **seen})
    return log_q(seen["z"], seen["x"]) - log_joint(seen["x"], seen["z"])


def _yours(observed: Mapping, case: Case) -> torch.Tensor:
    return observed_array(observed, "out", (case.inputs["x"].shape[0],))


def _equals_evidence(observed: Mapping, case: Case) -> str | None:
    """At the exact posterior every sample gives -ln p(x)."""
    yours = _yours(observed, case)
    exact = minus_log_evidence(case.seen("x"), MODEL["a"], MODEL["b"], MODEL["s"])
    terms = _per_sample(case).abs().amax(dim=0) + exact.abs()  # size of what cancels
    tolerance = case.tolerance_of("closed_form")
    gap = (yours - exact).abs()
    if bool((gap <= tolerance.rtol * terms + tolerance.atol).all()):
        return None
    worst = int(gap.nan_to_num(math.inf).argmax())
    return (
        f"at the exact posterior every sample gives ln q - ln p(x, z) = -ln p(x) = "
        f"{float(exact[worst]):.10g}; yours {float(yours[worst]):.10g}"
    )


def _within_standard_errors(observed: Mapping, case: Case) -> str | None:
    """Agrees with the closed-form -ELBO of the Gaussian q within 5 standard errors."""
    yours = _yours(observed, case)
    samples = _per_sample(case)
    stderr = samples.std(dim=0) / math.sqrt(samples.shape[0])
    variance = case.seen("q_logvar").exp()
    exact = closed_form_neg_elbo(
        case.seen("x"), case.seen("q_mean"), variance, MODEL["a"], MODEL["b"], MODEL["s"]
    )
    gap = (yours - exact).abs() / stderr
    if bool((gap <= 5).all()):
        return None
    worst = int(gap.nan_to_num(math.inf).argmax())
    return (
        f"the closed form of -ELBO for this Gaussian q is {float(exact[worst]):.6g}; yours "
        f"{float(yours[worst]):.6g} is {float(gap[worst]):.3g} standard errors away (at most 5)"
    )


def _above_evidence(observed: Mapping, case: Case) -> str | None:
    """-ELBO >= -ln p(x), up to 5 standard errors of the estimate."""
    yours = _yours(observed, case)
    samples = _per_sample(case)
    stderr = samples.std(dim=0) / math.sqrt(samples.shape[0])
    bound = minus_log_evidence(case.seen("x"), MODEL["a"], MODEL["b"], MODEL["s"])
    if bool((yours >= bound - 5 * stderr).all()):
        return None
    worst = int((bound - yours).nan_to_num(math.inf).argmax())
    return (
        f"-ELBO is an upper bound: -ELBO >= -ln p(x) = {float(bound[worst]):.6g}; yours "
        f"{float(yours[worst]):.6g}"
    )


def elbo_cases(rng: CaseRng) -> list[Case]:
    grad = ("z", "q_mean", "q_logvar")
    exact = "exact results"
    return [
        Case("random q, K = 5", _inputs(rng, 4, 5, "random"), dtypes=BOTH, grad=grad),
        Case("random q, K = 1", _inputs(rng, 3, 1, "random"), dtypes=BOTH, grad=grad),
        Case("K = B = 3", _inputs(rng, 3, 3, "perturbed"), grad=grad),
        Case(
            "exact posterior, K = 4: zero variance",
            _inputs(rng, 5, 4, "exact"),
            group=exact,
            dtypes=BOTH,
            properties=(Property("every sample gives -ln p(x)", _equals_evidence, exact),),
        ),
        Case(
            "perturbed Gaussian q, K = 4000",
            _inputs(rng, 3, 4000, "perturbed"),
            group=exact,
            properties=(
                Property("closed form within 5 standard errors", _within_standard_errors, exact),
                Property("-ELBO >= -ln p(x)", _above_evidence, exact),
            ),
        ),
    ]


# ------------------------------------------------------------------------------ hints
NEG_ELBO = reference(MODULE, "neg_elbo")


def _samples(evidence: Evidence) -> float:
    return float(evidence.case.inputs["z"].shape[0])


def _importance_weighted(evidence: Evidence) -> torch.Tensor | None:
    """-ln of the mean of the weights p / q: the importance-weighted bound, not Eq. 53."""
    if evidence.key != "out":
        return None
    samples = _per_sample(evidence.case)
    return -(torch.logsumexp(-samples, dim=0) - math.log(samples.shape[0]))


ELBO_HINTS = (
    Hint(
        "-ELBO = mean of ln q(z|x) - ln p(x, z): the sign is flipped (that is the ELBO)",
        scaled(-1.0, "out"),
    ),
    Hint("take the mean over the K samples (dim 0), not the sum", scaled(_samples, "out")),
    Hint(
        "average the logarithms ln q - ln p(x, z), not the weights p / q inside a logarithm",
        explained_by(_importance_weighted),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "neg_elbo",
        points=2.0,
        cases=elbo_cases,
        probe=elbo_probe,
        groups=ELBO_GROUPS,
        lesson="-ELBO is the mean over the samples of ln q(z|x) - ln p(x, z): the other sign is "
        "the ELBO itself, which lies below ln p(x)",
        hints=ELBO_HINTS,
    ),
]
