"""Week 7 checks, divergence part: exact_divergence and hutchinson_divergence of a velocity field.

Oracle: ``ml4p_ref.week07_generative2`` in float64 (trace and quadratic form of a full autograd
Jacobian), itself checked against closed forms.

The fields are the grader's: a tanh MLP (``TensorMLP``), a linear field ``v = x A^T``, an
elementwise (diagonal-Jacobian) field and the gradient of a one-hidden-layer potential
``u = w2 . tanh(W1 x)`` (Monge-Ampere), whose divergence is the Laplacian
``sum_k tanh''(W1 x)_k w2_k ||W1_k||^2``. Exact results: the linear field has divergence ``tr A``;
the potential's Laplacian; Hutchinson with Rademacher probes is exact for a diagonal Jacobian.
Statistics (float64, probes drawn by the case generator): over 20000 probes of a linear field the
mean estimate is ``tr A`` within 5 standard errors and the sample variance is ``2 sum_{i!=j} S_ij^2``
(Rademacher) or ``2 ||S||_F^2`` (Gaussian) within 5 standard errors of the variance (fourth
central moment of the samples). Lessons: the divergence sums the diagonal of the Jacobian only (not
the gradient of ``sum(v)``); Hutchinson's estimate puts the probe on both sides, ``e^T J e``.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from autograder.case import BOTH, Case, CaseRng, Property, observed_array
from autograder.exercise import Exercise
from autograder.hints import Evidence, Hint, explained_by, reference
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext, vjp

MODULE = "week07_generative2"
DIVERGENCE_GROUPS = {"values": 3.0, "gradients": 1.0, "properties": 0.5, "exact results": 1.5}
HUTCHINSON_GROUPS = {**DIVERGENCE_GROUPS, "statistics": 1.5}
STATISTICS_SAMPLES, STANDARD_ERRORS = 20000, 5.0
JACOBIANS = ("torch.autograd.functional.jacobian", "torch.func.jacrev", "torch.func.jacfwd")
RANDOM_DRAWS = (
    "torch.randn",
    "torch.randn_like",
    "torch.rand",
    "torch.rand_like",
    "torch.randint",
    "torch.normal",
)


# ---------------------------------------------------------------------------------------- the fields
def velocity(field: dict[str, Any]):
    """The case's field ``v_fn``: "mlp", "linear" (``x A^T``), "diagonal" (``d * tanh(x) + c x``)
    or "potential" (the gradient of ``u = w2 . tanh(x W1^T)``, written out)."""
    kind = field["kind"]
    if kind == "mlp":
        return TensorMLP(field["net"])
    if kind == "linear":
        return lambda x: x @ field["A"].T
    if kind == "diagonal":
        return lambda x: field["d"] * torch.tanh(x) + field["c"] * x
    hidden_weights, outer = field["W1"], field["w2"]
    return lambda x: ((1 - torch.tanh(x @ hidden_weights.T) ** 2) * outer) @ hidden_weights


def exact_value(field: dict[str, Any], x: torch.Tensor) -> torch.Tensor:
    """The closed-form divergence of a "linear", "diagonal" or "potential" field at ``x``."""
    kind = field["kind"]
    if kind == "linear":
        return torch.trace(field["A"]).expand(x.shape[0])
    if kind == "diagonal":
        return (field["d"] * (1 - torch.tanh(x) ** 2) + field["c"]).sum(dim=-1)
    hidden_weights, outer = field["W1"], field["w2"]
    tanh = torch.tanh(x @ hidden_weights.T)
    second = -2 * tanh * (1 - tanh**2)
    return (second * outer * (hidden_weights**2).sum(dim=-1)).sum(dim=-1)


def _field_leaves(field: dict[str, Any]) -> dict[str, torch.Tensor]:
    if field["kind"] == "mlp":
        return leaves(field["net"], "v_fn")
    return {
        f"v_fn.{name}": value.requires_grad_(True)
        for name, value in field.items()
        if torch.is_tensor(value)
    }


def divergence_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``impl(v_fn, x[, noise])``; gradients w.r.t. ``x`` and the field's weights."""
    x, wrt = inputs["x"], {}
    if ctx.grad:
        wrt = {"x": x.requires_grad_(True), **_field_leaves(inputs["field"])}
    noise = (inputs["noise"],) if "noise" in inputs else ()
    observations = {"out": ctx.call(impl, velocity(inputs["field"]), x, *noise)}
    observations.update(vjp(observations["out"], wrt, ctx))
    return observations


def _exact(observed, case: Case) -> str | None:
    x, field = case.seen("x"), case.seen("field")
    yours = observed_array(observed, "out", (x.shape[0],))
    expected = exact_value(field, x)
    tolerance = case.tolerance_of("closed_form")
    scale = max(1.0, float(expected.abs().max()))
    if bool(
        ((yours - expected).abs() <= tolerance.atol * scale + tolerance.rtol * expected.abs()).all()
    ):
        return None
    what = {
        "linear": "the linear field v = x A^T has divergence tr A",
        "diagonal": "the Jacobian is diagonal, so e^T J e = tr J for Rademacher e (entries +-1)",
        "potential": "v = grad u, u = w2 . tanh(W1 x): the divergence is the Laplacian "
        "sum_k tanh''(W1 x)_k w2_k ||W1_k||^2",
    }[field["kind"]]
    worst = int((yours - expected).abs().argmax())
    return f"{what}; sample {worst}: yours {float(yours[worst]):.8g}, exact {float(expected[worst]):.8g}"


EXACT = Property("closed-form divergence", _exact, group="exact results")


def _mlp(rng: CaseRng, dim: int) -> dict[str, Any]:
    return {"kind": "mlp", "net": mlp_weights(rng, [dim, 8, dim])}


def _linear(rng: CaseRng, dim: int) -> dict[str, Any]:
    return {"kind": "linear", "A": rng.normal(dim, dim)}


def _potential(rng: CaseRng, dim: int, hidden: int = 5) -> dict[str, Any]:
    return {
        "kind": "potential",
        "W1": rng.normal(hidden, dim, scale=0.8),
        "w2": rng.normal(hidden),
    }


def _diagonal(rng: CaseRng, dim: int) -> dict[str, Any]:
    return {"kind": "diagonal", "d": rng.normal(dim), "c": rng.normal(dim)}


# ------------------------------------------------------------------------------- exact_divergence
def exact_divergence_cases(rng: CaseRng) -> list[Case]:
    grad = ("x", "field")

    def inputs(field: dict[str, Any], batch: int = 5, dim: int = 3) -> dict[str, Any]:
        return {"field": field, "x": rng.normal(batch, dim)}

    # the divergence is a derivative and its gradients second derivatives: "derivative" tolerance
    derivative = {"tolerance": "derivative", "grad": grad}
    return [
        Case("tanh MLP field", inputs(_mlp(rng, 3)), dtypes=BOTH, **derivative),
        Case("tanh MLP field, D = 5", inputs(_mlp(rng, 5), batch=4, dim=5), **derivative),
        Case(
            "gradient of a potential", inputs(_potential(rng, 4), dim=4), dtypes=BOTH, **derivative
        ),
        Case(
            "linear field",
            inputs(_linear(rng, 4), dim=4),
            compare=False,
            properties=(EXACT,),
            dtypes=BOTH,
        ),
        Case(
            "Laplacian of a one-hidden-layer potential",
            inputs(_potential(rng, 3)),
            compare=False,
            properties=(EXACT,),
            dtypes=BOTH,
        ),
    ]


DIVERGENCE = reference(MODULE, "exact_divergence")
HUTCHINSON = reference(MODULE, "hutchinson_divergence")


def _all_entries(evidence: Evidence) -> torch.Tensor | None:
    """``1^T J 1``: the gradient of ``sum(v)`` summed over the coordinates (the week's lesson)."""
    if evidence.key != "out":
        return None
    x = evidence.seen("x")
    return HUTCHINSON(velocity(evidence.seen("field")), x, torch.ones_like(x)).detach()


EXACT_DIVERGENCE_HINTS = (
    Hint(
        "grad(sum(v), x) sums every column of the Jacobian: the divergence needs only its "
        "diagonal, d v_i / d x_i, one backward pass per coordinate i",
        explained_by(_all_entries),
    ),
)


# --------------------------------------------------------------------------- hutchinson_divergence
def _rademacher(rng: CaseRng, *shape: int) -> torch.Tensor:
    return torch.where(rng.uniform(*shape) < 0.5, -1.0, 1.0).to(torch.float64)


def _statistics(noise_kind: str):
    """Unbiasedness and the variance formula, from the student's estimates on many probes."""

    def check(observed, case: Case) -> str | None:
        estimates = observed_array(observed, "out", (STATISTICS_SAMPLES,))
        if not bool(estimates.isfinite().all()):
            return "the estimates must be finite"
        matrix = case.seen("field")["A"]
        symmetric = 0.5 * (matrix + matrix.T)
        trace = float(torch.trace(matrix))
        if noise_kind == "rademacher":
            variance = float(2 * (symmetric**2).sum() - 2 * (torch.diagonal(symmetric) ** 2).sum())
            formula = "2 sum_{i!=j} S_ij^2"
        else:
            variance = float(2 * (symmetric**2).sum())
            formula = "2 ||S||_F^2"
        count = estimates.numel()
        mean, sample_variance = float(estimates.mean()), float(estimates.var())
        mean_error = math.sqrt(sample_variance / count)
        fourth = float(((estimates - mean) ** 4).mean())
        variance_error = math.sqrt(max(fourth - sample_variance**2, 0.0) / count)
        if abs(mean - trace) > STANDARD_ERRORS * mean_error + 1e-12 * abs(trace):
            return (
                f"the estimator must be unbiased: the mean of {count} estimates is {mean:.6g}, "
                f"tr A = {trace:.6g} (standard error {mean_error:.3g})"
            )
        if abs(sample_variance - variance) > STANDARD_ERRORS * variance_error + 1e-12 * variance:
            return (
                f"the variance of e^T J e for {noise_kind} probes is {formula} = {variance:.6g} "
                f"(S = (A + A^T)/2); your estimates have variance {sample_variance:.6g} "
                f"(standard error {variance_error:.3g})"
            )
        return None

    return Property(f"unbiased, variance formula ({noise_kind})", check, group="statistics")


def hutchinson_cases(rng: CaseRng) -> list[Case]:
    grad = ("x", "field")

    def inputs(field: dict[str, Any], noise: torch.Tensor) -> dict[str, Any]:
        return {"field": field, "x": rng.normal(*noise.shape), "noise": noise}

    statistics_matrix = rng.normal(4, 4)
    return [
        Case(
            "tanh MLP field, Gaussian probes",
            inputs(_mlp(rng, 3), rng.normal(5, 3)),
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "tanh MLP field, Rademacher probes",
            inputs(_mlp(rng, 4), _rademacher(rng, 5, 4)),
            dtypes=BOTH,
            grad=grad,
        ),
        Case(
            "gradient of a potential, Gaussian probes",
            inputs(_potential(rng, 3), rng.normal(4, 3)),
            grad=grad,
        ),
        Case(
            "diagonal Jacobian, Rademacher probes",
            inputs(_diagonal(rng, 4), _rademacher(rng, 5, 4)),
            compare=False,
            properties=(EXACT,),
            dtypes=BOTH,
        ),
        Case(
            "linear field, many Rademacher probes",
            inputs(
                {"kind": "linear", "A": statistics_matrix},
                _rademacher(rng, STATISTICS_SAMPLES, 4),
            ),
            group="statistics",
            compare=False,
            properties=(_statistics("rademacher"),),
        ),
        Case(
            "linear field, many Gaussian probes",
            inputs({"kind": "linear", "A": statistics_matrix}, rng.normal(STATISTICS_SAMPLES, 4)),
            group="statistics",
            compare=False,
            properties=(_statistics("gaussian"),),
        ),
    ]


def _one_sided(evidence: Evidence) -> torch.Tensor | None:
    """``e^T J 1``: the VJP with the probe, summed without the second probe (the lesson)."""
    if evidence.key != "out":
        return None
    x, noise = evidence.seen("x"), evidence.seen("noise")
    point = x.clone().requires_grad_(True)
    v = velocity(evidence.seen("field"))(point)
    (row,) = torch.autograd.grad((v * noise).sum(), point)
    return row.sum(dim=-1).detach()


HUTCHINSON_HINTS = (
    Hint(
        "the estimate is e^T J e: take the VJP e^T J = grad((v * noise).sum(), x), then its dot "
        "product with the same noise",
        explained_by(_one_sided),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "exact_divergence",
        points=2.0,
        cases=exact_divergence_cases,
        probe=divergence_probe,
        groups=DIVERGENCE_GROUPS,
        lesson="the divergence is the trace of the Jacobian: sum_i d v_i / d x_i, not the "
        "gradient of sum(v)",
        hints=EXACT_DIVERGENCE_HINTS,
    ),
    Exercise(
        MODULE,
        "hutchinson_divergence",
        points=3.0,
        cases=hutchinson_cases,
        probe=divergence_probe,
        groups=HUTCHINSON_GROUPS,
        lesson="Hutchinson's estimate is e^T J e, the probe on both sides of the Jacobian",
        forbidden=JACOBIANS + RANDOM_DRAWS,
        hints=HUTCHINSON_HINTS,
    ),
]
