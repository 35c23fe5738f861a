"""Week 8 checks: burgers_residual.

Every case hands ``burgers_residual`` a field ``u_fn`` that the probe rebuilds from tensors (a field
name, its parameter tensors, ``nu``). The "values" cases are random tanh MLPs, with an ``(N, 1)``
output and one flattened to ``(N,)``; the edge cases are points that already require grad, one
point, ``u = 2x + 1`` and ``u = a x + c`` (``u_x`` has no graph) and constant fields with and
without a graph (residual 0, which a null answer gets right: never in "values"). They are compared
with ``ml4p_ref.week08_pinn`` (per-point ``torch.func`` derivatives, float64), and so is the
vector-Jacobian product of the residual w.r.t. the field's parameters: the lesson of the week is
that the residual must stay differentiable in them (``create_graph=True``), so "gradients" carries
half of the points.

Properties, without the reference: the exact solutions of curriculum.md 4.5 (``u = x/(t+1)``, the
Taylor viscous shock, Cole-Hopf from a heat solution), whose residual divided by ``|u_t| + |u u_x| +
(nu/pi) |u_xx|`` (float64 autograd on the same field) stays below the bound of curriculum.md 2.5;
the analytic residual ``2(2x + 1)`` of ``u = 2x + 1``; ``xt.requires_grad`` left as it was. Every
compared case also records whether ``u_fn`` was evaluated only at the rows of ``xt`` (finite
differences evaluate it elsewhere).
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
from autograder.compare import first_difference
from autograder.exercise import Exercise
from autograder.exercises.week08_pinn.picture import residual_field
from autograder.hints import Evidence, Hint, all_of, at_stage, explained_by, failed_on
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.plain import Observed
from autograder.probe import ProbeContext, vjp
from autograder.tolerance import tolerance_for

MODULE = "week08_pinn"
DEFAULT_NU = 0.01  # the default of burgers_residual's nu
GROUPS = {"values": 2.0, "edge cases": 1.0, "gradients": 5.0, "properties": 1.0}

# observation keys besides "out" and "grad:u_fn.<weight>"
ONLY_AT_POINTS = "u_fn evaluated only at the rows of xt"
XT_FLAG = "xt.requires_grad unchanged by the call"  # only where the inputs ask for it

# curriculum.md 2.5: PDE residual on an exact solution, normalized by the sum of |terms|
NORMALIZED_BOUND = {torch.float64: 1e-12, torch.float32: 1e-5}

FORBIDDEN = (
    "torch.gradient",
    "torch.autograd.functional",
    "torch.func",
    "torch.vmap",
    "functorch",
    "torch.Tensor.backward",
    "torch.autograd.backward",
)


# ----------------------------------------------------------------------------------------- fields
def build_field(inputs: Mapping[str, Any]) -> Callable[[torch.Tensor], torch.Tensor]:
    """The field a case describes, on the case's own tensors (vmappable: no .item() or in-place)."""
    name, params = inputs["field"], inputs.get("params", {})
    kappa = inputs.get("nu", DEFAULT_NU) / math.pi
    if name == "mlp":
        return TensorMLP(params)  # output (N, 1)
    if name == "mlp flat":
        net = TensorMLP(params)
        return lambda xt: net(xt)[:, 0]
    if name == "ax+c":
        return lambda xt: params["a"] * xt[:, 0] + params["c"]
    if name == "constant, no graph":
        level = inputs["level"]
        return lambda xt: torch.ones(xt.shape[0], 1, dtype=xt.dtype, device=xt.device) * level
    if name == "constant parameter":
        return lambda xt: params["c"] * torch.ones_like(xt[:, 0])
    if name == "rational":
        return lambda xt: xt[:, 0] / (xt[:, 1] + 1)
    if name == "shock":  # u = c - A tanh(A (x - c t) / (2 kappa)), output (N, 1)
        speed, amplitude = params["speed"], params["amplitude"]
        return lambda xt: (
            speed
            - amplitude * torch.tanh(amplitude * (xt[:, :1] - speed * xt[:, 1:]) / (2 * kappa))
        )
    if name == "cole-hopf":  # u = -2 kappa phi_x / phi, phi = 2 + exp(-kappa k^2 t) cos(k x)
        k = params["k"]

        def cole_hopf(xt: torch.Tensor) -> torch.Tensor:
            decay = torch.exp(-kappa * k**2 * xt[:, 1])
            phi = 2 + decay * torch.cos(k * xt[:, 0])
            return 2 * kappa * k * decay * torch.sin(k * xt[:, 0]) / phi

        return cole_hopf
    raise ValueError(f"unknown field {name!r}")


class _EvaluationLog:
    """Wraps a field and notes whether it was ever called at points that are not rows of ``xt``.

    A row counts when it equals a row of ``xt`` cast to the points' dtype (directly or through
    float32, float16 or bfloat16): casting the points is a dtype mistake, reported as such, not
    finite differences.
    """

    def __init__(self, field: Callable, xt: torch.Tensor):
        self.field, self.xt = field, xt.detach().clone()
        self.only_at_points = True

    def __call__(self, points: torch.Tensor) -> torch.Tensor:
        if self.only_at_points and _off_the_rows(points, self.xt):
            self.only_at_points = False
        return self.field(points)


def _off_the_rows(points: Any, xt: torch.Tensor) -> bool:
    """Whether some row of ``points`` is no row of ``xt`` (False when it cannot tell, e.g. inside
    the reference's ``torch.func`` transforms, where data-dependent ``bool`` raises)."""
    try:
        rows = points.detach().reshape(-1, 2)
        if not rows.is_floating_point():
            return False
        found = torch.zeros(rows.shape[0], dtype=torch.bool, device=rows.device)
        for via in (rows.dtype, torch.float32, torch.float16, torch.bfloat16):
            candidates = xt.to(device=rows.device, dtype=via).to(rows.dtype)
            found |= (rows[:, None, :] == candidates[None, :, :]).all(-1).any(-1)
        return not bool(found.all())
    except Exception:
        return False


# ----------------------------------------------------------------------------------------- probe
def probe(impl: Callable, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``r = burgers_residual(u_fn, xt[, nu])`` and its vjp w.r.t. the field's parameters."""
    xt = inputs["xt"]
    if inputs.get("xt requires grad", False):
        xt.requires_grad_(True)
    flag_before = xt.requires_grad
    on_graph = "u_fn" in ctx.grad or inputs.get("parameters require grad", False)
    weights = leaves(inputs["params"], "u_fn") if on_graph else {}
    u_fn = _EvaluationLog(build_field(inputs), xt)
    keywords = {"nu": inputs["nu"]} if "nu" in inputs else {}
    out = ctx.call(impl, u_fn, xt, **keywords)
    what = "your residual w.r.t. the parameters of u_fn"
    observations = observe_with_vjp(out, weights if "u_fn" in ctx.grad else {}, ctx, what)
    observations[ONLY_AT_POINTS] = u_fn.only_at_points
    if inputs.get("watch xt flag", False):
        observations[XT_FLAG] = xt.requires_grad == flag_before
    return observations


def observe_with_vjp(
    out: Any, weights: dict[str, torch.Tensor], ctx: ProbeContext, what: str
) -> dict[str, Any]:
    """``out`` and its vjp w.r.t. ``weights`` (if any); a failure of the vjp is reported as
    differentiating ``what`` (e.g. "your residual w.r.t. the parameters of u_fn")."""
    observations = {"out": out}
    if weights:
        try:
            observations.update(vjp(out, weights, ctx))
        except Exception as error:
            raise RuntimeError(f"differentiating {what} failed: {error}") from error
    return observations


# ----------------------------------------------------------------------------------------- oracles
_DERIVATIVES: dict[tuple[int, torch.dtype], tuple[Mapping, dict[str, torch.Tensor]]] = {}


def derivatives(case: Case) -> dict[str, torch.Tensor]:
    """u and its first and second derivatives, float64, at the points as the student saw them
    (computed once per case)."""
    key = (id(case.inputs), case.dtype)
    cached = _DERIVATIVES.get(key)
    if cached is not None and cached[0] is case.inputs:
        return cached[1]
    terms = {name: value.detach() for name, value in field_terms(reference_inputs(case)).items()}
    if len(_DERIVATIVES) >= 64:
        _DERIVATIVES.pop(next(iter(_DERIVATIVES)))
    _DERIVATIVES[key] = (case.inputs, terms)
    return terms


def field_terms(
    inputs: Mapping[str, Any], field: Callable = build_field, u_xx_graph: bool = True
) -> dict[str, torch.Tensor]:
    """u, u_x, u_t, u_xx, u_xt, u_tt of the field ``field(inputs)`` at the points ``inputs["xt"]``,
    by autograd (``u_xx_graph=False``: the second derivatives without a graph of their own)."""
    points = inputs["xt"].detach().clone().requires_grad_(True)
    u = field(inputs)(points).reshape(points.shape[0])

    def gradient(f: torch.Tensor, graph: bool = True) -> torch.Tensor:
        if not f.requires_grad:
            return torch.zeros_like(points)
        (grad,) = torch.autograd.grad(
            f.sum(), points, create_graph=graph, retain_graph=True, allow_unused=True
        )
        return torch.zeros_like(points) if grad is None else grad

    u_x, u_t = gradient(u).unbind(1)
    u_xx, u_xt = gradient(u_x, u_xx_graph).unbind(1)
    u_tt = gradient(u_t, u_xx_graph)[:, 1]
    return {"u": u, "u_x": u_x, "u_t": u_t, "u_xx": u_xx, "u_xt": u_xt, "u_tt": u_tt}


def kappa(case: Case) -> float:
    return case.inputs.get("nu", DEFAULT_NU) / math.pi


def residual_from(d: Mapping[str, torch.Tensor], k: float) -> torch.Tensor:
    return d["u_t"] + d["u"] * d["u_x"] - k * d["u_xx"]


# ----------------------------------------------------------------------------------------- properties
def _residual(observed: Mapping[str, Observed], case: Case) -> torch.Tensor:
    """The student's residual as float64, once its type, shape, dtype and device are right."""
    n = case.inputs["xt"].shape[0]
    residual = observed_array(observed, "out", (n,))
    out = observed["out"]
    wanted = DTYPE_NAMES[case.dtype]
    if out.kind != "tensor":
        raise Unfit(f"out: expected a torch.Tensor, got {out.describe()}")
    if out.dtype != wanted:
        raise Unfit(f"out: expected dtype {wanted} (the input's), got {out.dtype}")
    if out.device != case.device:
        raise Unfit(
            f"out: expected a tensor on {case.device} (the input's device), got {out.device}"
        )
    return residual


def _exact_solution(observed: Mapping[str, Observed], case: Case) -> str | None:
    residual = _residual(observed, case)
    d = derivatives(case)
    scale = d["u_t"].abs() + (d["u"] * d["u_x"]).abs() + kappa(case) * d["u_xx"].abs()
    ratio = residual.abs() / scale
    bound = NORMALIZED_BOUND[case.dtype]
    bad = ~(ratio <= bound)
    if bool(bad.any()):
        worst = int(torch.nan_to_num(ratio, nan=math.inf).argmax())
        return (
            f"{int(bad.sum())}/{ratio.numel()} points have |r| / (|u_t| + |u u_x| + (nu/pi)|u_xx|) "
            f"above {bound:.0e}; worst at index ({worst},): {float(ratio[worst]):.2e} "
            f"(r = {float(residual[worst]):.3g})"
        )
    return None


def _analytic_affine(observed: Mapping[str, Observed], case: Case) -> str | None:
    """u = a x + c: r = u u_x = a (a x + c), whatever nu is."""
    yours = _residual(observed, case)
    inputs = reference_inputs(case)
    a, c = inputs["params"]["a"], inputs["params"]["c"]
    expected = a * (a * inputs["xt"][:, 0] + c)
    tolerance = tolerance_for("derivative", DTYPE_NAMES[case.dtype], "cpu")
    allowed = tolerance.rtol * expected.abs() + tolerance.atol * float(expected.abs().max())
    bad = ~((yours - expected).abs() <= allowed)
    if bool(bad.any()):
        worst = int(torch.nan_to_num((yours - expected).abs(), nan=math.inf).argmax())
        return (
            f"{int(bad.sum())}/{bad.numel()} entries differ from a (a x + c); worst at index "
            f"({worst},): yours {float(yours[worst]):.6g}, expected {float(expected[worst]):.6g}"
        )
    return None


def _flag_kept(observed: Mapping[str, Observed], case: Case) -> str | None:
    if float(observed_array(observed, XT_FLAG, ())) != 1.0:
        return "xt.requires_grad was switched on in the caller's tensor (inputs are never modified)"
    return None


EXACT = Property("exact solution, normalized residual", _exact_solution)
ANALYTIC = Property("analytic residual r = a(ax + c)", _analytic_affine)
FLAG_KEPT = Property("xt.requires_grad left unchanged", _flag_kept)


# ----------------------------------------------------------------------------------------- cases
def _points(rng: CaseRng, n: int) -> torch.Tensor:
    """x in [-1, 1], t in [0, 1], shape (n, 2)."""
    return torch.stack([rng.uniform(n, low=-1.0, high=1.0), rng.uniform(n, low=0.0, high=1.0)], 1)


def _scalar(value: float) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float64)


def burgers_cases(rng: CaseRng) -> list[Case]:
    column_net = {"field": "mlp", "params": mlp_weights(rng, [2, 16, 16, 1], scale=2.0)}
    column_net["xt"] = _points(rng, 24)
    flat_net = {"field": "mlp flat", "params": mlp_weights(rng, [2, 12, 1], scale=2.0)}
    flat_net.update(xt=_points(rng, 20), nu=0.05)
    with_grad = {"field": "mlp", "params": mlp_weights(rng, [2, 8, 8, 1], scale=2.0)}
    with_grad.update({"xt": _points(rng, 10), "nu": 0.3, "xt requires grad": True})
    single = {"field": "mlp", "params": mlp_weights(rng, [2, 8, 1], scale=2.0)}
    single["xt"] = _points(rng, 1)
    two_x_plus_one = {"field": "ax+c", "params": {"a": _scalar(2.0), "c": _scalar(1.0)}}
    two_x_plus_one["xt"] = _points(rng, 12)
    affine = {"field": "ax+c", "params": {"a": rng.normal(), "c": rng.normal()}}
    affine.update(xt=_points(rng, 12), nu=0.2)
    fresh = {"field": "constant, no graph", "level": 0.7, "xt": _points(rng, 9)}
    constant = {"field": "constant parameter", "params": {"c": rng.normal()}, "xt": _points(rng, 9)}
    constant["parameters require grad"] = True  # u has a graph but does not depend on xt

    rational = {"field": "rational", "xt": _points(rng, 32), "watch xt flag": True}
    speed, amplitude = rng.uniform(1, low=-0.5, high=0.5)[0], rng.uniform(1, low=0.5, high=1.5)[0]
    width = 2 * (DEFAULT_NU / math.pi) / float(amplitude)
    t = rng.uniform(32)
    x = speed * t + width * rng.uniform(32, low=-3.0, high=3.0)
    shock = {"field": "shock", "params": {"speed": speed, "amplitude": amplitude}}
    shock.update(xt=torch.stack([x, t], 1), nu=DEFAULT_NU)
    cole_hopf = {"field": "cole-hopf", "params": {"k": rng.uniform(1, low=1.0, high=4.0)[0]}}
    cole_hopf.update(xt=_points(rng, 32), nu=1.0)

    def compared(label: str, inputs: dict, group: str = "edge cases", **options: Any) -> Case:
        return Case(label, inputs, group=group, tolerance="derivative", **options)

    def exact(label: str, inputs: dict, **options: Any) -> Case:
        return Case(label, inputs, group="properties", compare=False, **options)

    grad = ("u_fn",)
    return [
        compared("tanh MLP, (N,1) output", column_net, "values", dtypes=BOTH, grad=grad, weight=2),
        compared(
            "tanh MLP, (N,) output, nu=0.05", flat_net, "values", dtypes=BOTH, grad=grad, weight=2
        ),
        compared("xt requires grad, nu=0.3", with_grad, grad=grad),
        compared("single point (N=1)", single, grad=grad),
        compared("u = 2x + 1 gives 2(2x + 1)", two_x_plus_one, dtypes=BOTH, properties=(ANALYTIC,)),
        compared("u = ax + c, parameters a and c", affine, grad=grad),
        compared("constant u, (N,1), no graph", fresh),
        compared("constant u = parameter c", constant),
        exact("exact: u = x/(t+1)", rational, properties=(EXACT, FLAG_KEPT)),
        exact("exact: viscous shock, nu=0.01", shock, dtypes=BOTH, properties=(EXACT,)),
        exact("exact: Cole-Hopf, nu=1", cole_hopf, dtypes=BOTH, properties=(EXACT,)),
    ]


# ----------------------------------------------------------------------------------------- hints
def _residual_shaped(evidence: Evidence) -> bool:
    yours = evidence.student_value("out")
    return yours is not None and tuple(yours.shape) == (evidence.case.inputs["xt"].shape[0],)


def _broadcast(evidence: Evidence) -> bool:
    out = evidence.student.get("out")
    n = evidence.case.inputs["xt"].shape[0]
    return out is not None and out.kind == "tensor" and tuple(out.shape or ()) == (n, n)


def _flag_off(key: str) -> Callable[[Evidence], bool]:
    def applies(evidence: Evidence) -> bool:
        flag = evidence.student_value(key)
        return flag is not None and flag.numel() == 1 and float(flag) == 0.0

    return applies


def _raised_with(*phrases: str) -> Callable[[Evidence], bool]:
    return lambda evidence: any(phrase in evidence.raised for phrase in phrases)


def residual_variant(mistake: Callable[[Mapping[str, torch.Tensor], float], torch.Tensor]):
    """Applies when the student's residual is ``mistake(derivatives, nu/pi)`` (float64), not the
    right one."""

    def variant(evidence: Evidence) -> tuple[torch.Tensor, torch.Tensor]:
        d, k = derivatives(evidence.case), kappa(evidence.case)
        return mistake(d, k), residual_from(d, k)

    return all_of(_residual_shaped, explained_by(variant, key="out"))


def _values_passed(evidence: Evidence) -> bool:
    """The case's values check passed, at the grader's own tolerance."""
    keys = [key for key in evidence.reference if not key.startswith("grad:")]
    found = first_difference(evidence.case, keys, evidence.reference, evidence.student)
    return bool(keys) and found is None


def _gradient_without_u_xx_graph(evidence: Evidence) -> torch.Tensor | None:
    """The parameter gradient of the residual when u_xx is taken without create_graph (float64)."""
    case = evidence.case
    inputs = reference_inputs(case)
    weights = leaves(inputs.get("params", {}), "u_fn")
    if evidence.key not in {f"grad:{name}" for name in weights}:
        return None
    residual = residual_from(field_terms(inputs, u_xx_graph=False), kappa(case))
    return vjp(residual, weights, ProbeContext(case.on("cpu").name)).get(evidence.key)


def _graph_of_u_xx_lost(evidence: Evidence) -> bool:
    rtol = 1e-7 if evidence.case.dtype == torch.float64 else 1e-4
    return explained_by(_gradient_without_u_xx_graph, rtol=rtol)(evidence)


HINTS = (
    Hint(
        "u_fn returned shape (N, 1): flatten u to (N,) before multiplying by u_x, or u * u_x "
        "broadcasts to (N, N)",
        _broadcast,
    ),
    Hint(
        "u_fn was called at points that are not rows of xt (finite differences?): take the "
        "derivatives with torch.autograd.grad",
        _flag_off(ONLY_AT_POINTS),
    ),
    Hint(
        "the first torch.autograd.grad call freed the graph of u: pass create_graph=True to every "
        "torch.autograd.grad call, so that the residual stays differentiable in the parameters",
        _raised_with("backward through the graph a second time"),
    ),
    Hint(
        "u or u_x need not depend on xt (a constant u, u = 2x + 1): then its derivative is zero; "
        "check f.requires_grad and pass allow_unused=True, filling in zeros for a None gradient",
        _raised_with("does not require grad", "appears to not have been used in the graph"),
    ),
    Hint(
        "differentiate with respect to xt.detach().clone().requires_grad_(), never switch on "
        "requires_grad in the caller's xt",
        all_of(at_stage("property"), failed_on(FLAG_KEPT.name)),
    ),
    Hint(
        "the viscosity is nu/pi: the residual is u_t + u*u_x - (nu/pi)*u_xx, not nu*u_xx",
        residual_variant(lambda d, k: d["u_t"] + d["u"] * d["u_x"] - math.pi * k * d["u_xx"]),
    ),
    Hint(
        "the viscosity term enters with a minus sign: r = u_t + u*u_x - (nu/pi)*u_xx",
        residual_variant(lambda d, k: d["u_t"] + d["u"] * d["u_x"] + k * d["u_xx"]),
    ),
    Hint(
        "u_xx came out zero: keep the graph of the first derivative (create_graph=True) so that "
        "u_x can be differentiated again",
        residual_variant(lambda d, k: d["u_t"] + d["u"] * d["u_x"]),
    ),
    Hint(
        "x and t are swapped: xt[:, 0] is x and xt[:, 1] is t (column 0 of the gradient is u_x)",
        residual_variant(lambda d, k: d["u_x"] + d["u"] * d["u_t"] - k * d["u_tt"]),
    ),
    Hint(
        "u_xx is column 0 of the gradient of u_x; column 1 is the mixed derivative u_xt",
        residual_variant(lambda d, k: d["u_t"] + d["u"] * d["u_x"] - k * d["u_xt"]),
    ),
    Hint(
        "u_xx is column 0 of the gradient of u_x alone: summing its columns adds the mixed "
        "derivative u_xt",
        residual_variant(lambda d, k: d["u_t"] + d["u"] * d["u_x"] - k * (d["u_xx"] + d["u_xt"])),
    ),
    Hint(
        "the residual is right but its gradient w.r.t. the parameters of u_fn is not: pass "
        "create_graph=True to every torch.autograd.grad call, the second derivative's included",
        all_of(
            lambda evidence: evidence.key.startswith("grad:"),
            at_stage("values"),
            _values_passed,
            _graph_of_u_xx_lost,
        ),
    ),
)

EXERCISES = [
    Exercise(
        MODULE,
        "burgers_residual",
        points=3.0,
        cases=burgers_cases,
        probe=probe,
        groups=GROUPS,
        lesson="pass create_graph=True to every torch.autograd.grad call: the residual must stay "
        "differentiable in the parameters of u_fn, or a PINN loss cannot train them",
        forbidden=FORBIDDEN,
        hints=HINTS,
        picture=residual_field,
    )
]
