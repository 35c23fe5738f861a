"""Week 8 checks: the warm-up residuals, cooling_residual (Newton cooling) and heat_residual.

As for ``burgers``, every case describes its field by a name and weight tensors that the probe
rebuilds: random tanh MLPs (``(N, 1)`` or ``(N,)`` output), constants and affine fields, and the
exact solutions ``T = T_env + (T0 - T_env) exp(-k t)`` and ``u = exp(-kappa pi^2 t) sin(pi x)``.
Values and the vector-Jacobian product w.r.t. the field's parameters are compared with
``ml4p_ref.week08_pinn`` (per-point ``torch.func`` derivatives); the exact solutions are checked
without the reference, their residual divided by the size of its terms (float64 autograd on the same
field) staying below the bound of curriculum.md 2.5, in a group of their own.

Lessons: the cooling residual must stay differentiable in the parameters (``create_graph=True``);
the heat residual's second derivative needs the graph of the first (without it ``u_xx`` silently
comes out zero).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import (
    BOTH,
    DTYPE_NAMES,
    Case,
    CaseRng,
    Property,
    Unfit,
    observed_array,
    reference_inputs,
)
from autograder.exercise import Exercise
from autograder.exercises.week08_pinn.burgers import (
    FORBIDDEN,
    NORMALIZED_BOUND,
    _EvaluationLog,
    _points,
    _scalar,
    _values_passed,
    build_field,
    field_terms,
    observe_with_vjp,
)
from autograder.exercises.week08_pinn.picture import residual_field
from autograder.hints import Evidence, Hint, all_of, explained_by
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext

MODULE = "week08_pinn"
FIELD_PARAMETERS = "your residual w.r.t. the parameters of the field"
DEFAULT_KAPPA = 0.1  # the default of heat_residual's kappa
ONLY_AT_POINTS = "u_fn evaluated only at the rows of xt"
FLAG = "requires_grad of the points unchanged by the call"


# ----------------------------------------------------------------------------------------- fields
def cooling_field(inputs: Mapping[str, Any]) -> Callable[[torch.Tensor], torch.Tensor]:
    """The temperature a cooling case describes; it takes a column of times (M, 1)."""
    name, params = inputs["field"], inputs.get("params", {})
    if name == "mlp":
        return TensorMLP(params)  # (M, 1)
    if name == "mlp flat":
        net = TensorMLP(params)
        return lambda t: net(t)[:, 0]
    if name == "constant parameter":
        return lambda t: params["c"] * torch.ones_like(t[:, 0])
    if name == "exact":  # T = T_env + (T0 - T_env) exp(-k t), output (M, 1)
        k, t_env = inputs["k"], inputs["T_env"]
        return lambda t: t_env + (params["T0"] - t_env) * torch.exp(-k * t)
    raise ValueError(f"unknown field {name!r}")


def heat_field(inputs: Mapping[str, Any]) -> Callable[[torch.Tensor], torch.Tensor]:
    """The field a heat case describes (the ``burgers`` fields, or the exact heat solution)."""
    if inputs["field"] == "heat exact":  # u = exp(-kappa pi^2 t) sin(pi x), output (M,)
        kappa = inputs.get("kappa", DEFAULT_KAPPA)
        return lambda xt: torch.exp(-kappa * math.pi**2 * xt[:, 1]) * torch.sin(math.pi * xt[:, 0])
    return build_field(inputs)


# ----------------------------------------------------------------------------------------- probes
def cooling_probe(impl: Callable, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``r = cooling_residual(T_fn, t, k, T_env)`` and its vjp w.r.t. the field's parameters."""
    t = inputs["t"]
    if inputs.get("points require grad", False):
        t.requires_grad_(True)
    flag = t.requires_grad
    weights = leaves(inputs["params"], "T_fn") if "T_fn" in ctx.grad else {}
    out = ctx.call(impl, cooling_field(inputs), t, inputs["k"], inputs["T_env"])
    observations = observe_with_vjp(out, weights, ctx, FIELD_PARAMETERS)
    observations[FLAG] = t.requires_grad == flag
    return observations


def heat_probe(impl: Callable, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``r = heat_residual(u_fn, xt[, kappa])`` and its vjp w.r.t. the field's parameters."""
    xt = inputs["xt"]
    if inputs.get("points require grad", False):
        xt.requires_grad_(True)
    flag = xt.requires_grad
    weights = leaves(inputs["params"], "u_fn") if "u_fn" in ctx.grad else {}
    u_fn = _EvaluationLog(heat_field(inputs), xt)
    keywords = {"kappa": inputs["kappa"]} if "kappa" in inputs else {}
    out = ctx.call(impl, u_fn, xt, **keywords)
    observations = observe_with_vjp(out, weights, ctx, FIELD_PARAMETERS)
    observations[ONLY_AT_POINTS] = u_fn.only_at_points
    observations[FLAG] = xt.requires_grad == flag
    return observations


# ----------------------------------------------------------------------------------------- terms
def cooling_terms(case: Case) -> dict[str, torch.Tensor]:
    """Float64 ``T``, ``dT/dt`` by autograd at the times the student saw."""
    inputs = reference_inputs(case)
    times = inputs["t"].detach().clone().reshape(-1, 1).requires_grad_(True)
    temperature = cooling_field(inputs)(times).reshape(-1)
    if not temperature.requires_grad:
        return {"T": temperature.detach(), "dT/dt": torch.zeros_like(temperature)}
    (slope,) = torch.autograd.grad(temperature.sum(), times, allow_unused=True)
    slope = torch.zeros_like(times) if slope is None else slope
    return {"T": temperature.detach(), "dT/dt": slope[:, 0]}


def heat_terms(case: Case) -> dict[str, torch.Tensor]:
    """Float64 ``u_x, u_t, u_xx, u_xt, u_tt`` by autograd at the points the student saw."""
    terms = field_terms(reference_inputs(case), heat_field)
    return {name: value.detach() for name, value in terms.items() if name != "u"}


def kappa(case: Case) -> float:
    return case.inputs.get("kappa", DEFAULT_KAPPA)


# ----------------------------------------------------------------------------------------- properties
def _residual(observed: Mapping[str, Any], case: Case, n: int) -> torch.Tensor:
    """The student's residual as float64, once its type, shape, dtype and device are right."""
    residual = observed_array(observed, "out", (n,))
    out = observed["out"]
    if out.kind != "tensor":
        raise Unfit(f"out: expected a torch.Tensor, got {out.describe()}")
    if out.dtype != DTYPE_NAMES[case.dtype]:
        raise Unfit(f"out: expected dtype {DTYPE_NAMES[case.dtype]} (the input's), got {out.dtype}")
    if out.device != case.device:
        raise Unfit(
            f"out: expected a tensor on {case.device} (the input's device), got {out.device}"
        )
    return residual


def _normalized(residual: torch.Tensor, scale: torch.Tensor, case: Case, terms: str) -> str | None:
    ratio = residual.abs() / scale
    bound = NORMALIZED_BOUND[case.dtype]
    bad = ~(ratio <= bound)
    if bool(bad.any()):
        worst = int(torch.nan_to_num(ratio, nan=math.inf).argmax())
        return (
            f"{int(bad.sum())}/{ratio.numel()} points have |r| / ({terms}) above {bound:.0e}; "
            f"worst at index ({worst},): {float(ratio[worst]):.2e} (r = {float(residual[worst]):.3g})"
        )
    return None


def _cooling_exact(observed: Mapping[str, Any], case: Case) -> str | None:
    residual = _residual(observed, case, case.inputs["t"].shape[0])
    terms = cooling_terms(case)
    scale = terms["dT/dt"].abs() + case.inputs["k"] * (terms["T"] - case.inputs["T_env"]).abs()
    return _normalized(residual, scale, case, "|dT/dt| + k |T - T_env|")


def _heat_exact(observed: Mapping[str, Any], case: Case) -> str | None:
    residual = _residual(observed, case, case.inputs["xt"].shape[0])
    terms = heat_terms(case)
    scale = terms["u_t"].abs() + kappa(case) * terms["u_xx"].abs()
    return _normalized(residual, scale, case, "|u_t| + kappa |u_xx|")


def _flag_kept(observed: Mapping[str, Any], case: Case) -> str | None:
    if float(observed_array(observed, FLAG, ())) != 1.0:
        return (
            "requires_grad was switched on in the caller's tensor (inputs are never modified): "
            "differentiate w.r.t. a detached clone"
        )
    return None


COOLING_EXACT = Property(
    "exact solution, normalized residual", _cooling_exact, group="exact results"
)
HEAT_EXACT = Property("exact solution, normalized residual", _heat_exact, group="exact results")
FLAG_KEPT = Property("requires_grad of the points left unchanged", _flag_kept)


# ----------------------------------------------------------------------------------------- cases
def cooling_cases(rng: CaseRng) -> list[Case]:
    def times(n: int) -> torch.Tensor:
        return rng.uniform(n, low=0.0, high=3.0)

    def law() -> dict[str, Any]:
        return {"k": float(rng.uniform(1, low=0.2, high=2.0)[0]), "T_env": 20.0}

    column = {"field": "mlp", "params": mlp_weights(rng, [1, 12, 12, 1], scale=2.0), **law()}
    column["t"] = times(16)
    flat = {"field": "mlp flat", "params": mlp_weights(rng, [1, 10, 1], scale=2.0), **law()}
    flat["t"] = times(13)
    watched = {"field": "mlp", "params": mlp_weights(rng, [1, 6, 1], scale=2.0), **law()}
    watched.update(t=times(7), **{"points require grad": True})
    single = {"field": "mlp flat", "params": mlp_weights(rng, [1, 6, 1], scale=2.0), **law()}
    single["t"] = times(1)
    constant = {"field": "constant parameter", "params": {"c": rng.normal()}, **law()}
    constant["t"] = times(9)
    exact = {"field": "exact", "params": {"T0": _scalar(90.0)}, **law()}
    exact["t"] = rng.uniform(24)  # t <= 1: T - T_env stays large against float32 rounding of T

    def compared(label: str, inputs: dict, group: str = "edge cases", **options: Any) -> Case:
        return Case(label, inputs, group=group, tolerance="derivative", grad=("T_fn",), **options)

    return [
        compared("tanh MLP, (N,1) output", column, "values", dtypes=BOTH, weight=2),
        compared("tanh MLP, (N,) output", flat, "values", dtypes=BOTH, weight=2),
        compared("t requires grad", watched),
        compared("single time (N=1)", single, properties=(FLAG_KEPT,)),
        compared("constant temperature = parameter c", constant),
        Case(
            "exact: T_env + (T0 - T_env) exp(-k t)",
            exact,
            group="exact results",
            dtypes=BOTH,
            compare=False,
            properties=(COOLING_EXACT,),
        ),
    ]


def heat_cases(rng: CaseRng) -> list[Case]:
    column = {"field": "mlp", "params": mlp_weights(rng, [2, 12, 12, 1], scale=2.0)}
    column["xt"] = _points(rng, 20)
    flat = {"field": "mlp flat", "params": mlp_weights(rng, [2, 10, 1], scale=2.0)}
    flat.update(xt=_points(rng, 16), kappa=0.05)
    watched = {"field": "mlp", "params": mlp_weights(rng, [2, 8, 1], scale=2.0)}
    watched.update(xt=_points(rng, 8), kappa=0.5, **{"points require grad": True})
    single = {"field": "mlp flat", "params": mlp_weights(rng, [2, 8, 1], scale=2.0)}
    single["xt"] = _points(rng, 1)
    affine = {"field": "ax+c", "params": {"a": rng.normal(), "c": rng.normal()}}
    affine["xt"] = _points(rng, 10)
    exact = {"field": "heat exact", "xt": _points(rng, 32), "kappa": 0.3}

    def compared(label: str, inputs: dict, group: str = "edge cases", **options: Any) -> Case:
        return Case(label, inputs, group=group, tolerance="derivative", grad=("u_fn",), **options)

    return [
        compared("tanh MLP, (N,1) output", column, "values", dtypes=BOTH, weight=2),
        compared("tanh MLP, (N,) output, kappa=0.05", flat, "values", dtypes=BOTH, weight=2),
        compared("xt requires grad, kappa=0.5", watched),
        compared("single point (N=1)", single, properties=(FLAG_KEPT,)),
        compared("u = ax + c gives r = 0", affine),
        Case(
            "exact: exp(-kappa pi^2 t) sin(pi x), kappa=0.3",
            exact,
            group="exact results",
            dtypes=BOTH,
            compare=False,
            properties=(HEAT_EXACT,),
        ),
    ]


# ----------------------------------------------------------------------------------------- hints
def _broadcast(evidence: Evidence) -> bool:
    out = evidence.student.get("out")
    inputs = evidence.case.inputs
    n = (inputs["t"] if "t" in inputs else inputs["xt"]).shape[0]
    return out is not None and out.kind == "tensor" and tuple(out.shape or ()) == (n, n)


def _raised_with(*phrases: str) -> Callable[[Evidence], bool]:
    return lambda evidence: any(phrase in evidence.raised for phrase in phrases)


def cooling_variant(mistake: Callable[[Mapping[str, torch.Tensor], float, float], torch.Tensor]):
    """Applies when the student's residual is ``mistake(terms, k, T_env)`` (float64)."""

    def variant(evidence: Evidence) -> torch.Tensor:
        inputs = evidence.case.inputs
        return mistake(cooling_terms(evidence.case), inputs["k"], inputs["T_env"])

    return explained_by(variant, key="out")


def heat_variant(mistake: Callable[[Mapping[str, torch.Tensor], float], torch.Tensor]):
    """Applies when the student's residual is ``mistake(terms, kappa)`` (float64)."""

    def variant(evidence: Evidence) -> torch.Tensor:
        return mistake(heat_terms(evidence.case), kappa(evidence.case))

    return explained_by(variant, key="out")


def _flag_off(key: str) -> Callable[[Evidence], bool]:
    def applies(evidence: Evidence) -> bool:
        flag = evidence.student_value(key)
        return flag is not None and flag.numel() == 1 and float(flag) == 0.0

    return applies


SHARED_HINTS = (
    Hint(
        "the field returned shape (N, 1): flatten it to (N,) before combining it with a "
        "derivative of shape (N,), or the result broadcasts to (N, N)",
        _broadcast,
    ),
    Hint(
        "the first torch.autograd.grad call freed the graph: pass create_graph=True to every "
        "torch.autograd.grad call",
        _raised_with("backward through the graph a second time"),
    ),
    Hint(
        "the field need not depend on its input (a constant, u = ax + c): its derivative is then "
        "zero; check f.requires_grad and pass allow_unused=True, filling in zeros for None",
        _raised_with("does not require grad", "appears to not have been used in the graph"),
    ),
)

COOLING_HINTS = (
    *SHARED_HINTS,
    Hint(
        "the law is dT/dt = -k (T - T_env): the residual is dT/dt + k (T - T_env)",
        cooling_variant(lambda d, k, t_env: d["dT/dt"] - k * (d["T"] - t_env)),
    ),
    Hint(
        "the temperature relaxes towards T_env: r = dT/dt + k (T - T_env), not dT/dt + k T",
        cooling_variant(lambda d, k, t_env: d["dT/dt"] + k * d["T"]),
    ),
    Hint(
        "the residual is right but its gradient w.r.t. the parameters of T_fn is not: pass "
        "create_graph=True to torch.autograd.grad, or dT/dt is a constant to the optimizer",
        all_of(lambda evidence: evidence.key.startswith("grad:"), _values_passed),
    ),
)

HEAT_HINTS = (
    *SHARED_HINTS,
    Hint(
        "u_fn was called at points that are not rows of xt (finite differences?): take the "
        "derivatives with torch.autograd.grad",
        _flag_off(ONLY_AT_POINTS),
    ),
    Hint(
        "u_xx came out zero: take the first derivative with create_graph=True, so that u_x "
        "keeps a graph and can be differentiated again",
        heat_variant(lambda d, k: d["u_t"]),
    ),
    Hint(
        "the diffusion term enters with a minus sign: r = u_t - kappa * u_xx",
        heat_variant(lambda d, k: d["u_t"] + k * d["u_xx"]),
    ),
    Hint(
        "x and t are swapped: xt[:, 0] is x and xt[:, 1] is t (column 0 of the gradient is u_x)",
        heat_variant(lambda d, k: d["u_x"] - k * d["u_tt"]),
    ),
    Hint(
        "u_xx is column 0 of the gradient of u_x; column 1 is the mixed derivative u_xt",
        heat_variant(lambda d, k: d["u_t"] - k * d["u_xt"]),
    ),
)

EXERCISES = [
    Exercise(
        MODULE,
        "cooling_residual",
        points=1.0,
        cases=cooling_cases,
        probe=cooling_probe,
        groups={
            "values": 2.0,
            "edge cases": 1.0,
            "gradients": 6.0,
            "exact results": 1.0,
            "properties": 1.0,
        },
        lesson="pass create_graph=True to torch.autograd.grad: the residual must stay "
        "differentiable in the parameters of T_fn, or a PINN loss cannot train them",
        forbidden=FORBIDDEN,
        hints=COOLING_HINTS,
    ),
    Exercise(
        MODULE,
        "heat_residual",
        points=1.0,
        cases=heat_cases,
        probe=heat_probe,
        groups={
            "values": 3.0,
            "edge cases": 1.0,
            "gradients": 3.0,
            "exact results": 2.0,
            "properties": 1.0,
        },
        lesson="take the first derivative with create_graph=True: without it u_x has no graph "
        "and u_xx silently comes out zero",
        forbidden=FORBIDDEN,
        hints=HEAT_HINTS,
        picture=residual_field,
    ),
]
