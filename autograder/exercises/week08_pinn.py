"""Week 8 checks: burgers_residual.

Every case hands ``burgers_residual`` a field ``u_fn`` that the probe rebuilds from tensors (a
field name, its parameter tensors and ``nu``): random tanh MLPs with an ``(N, 1)`` output and one
flattened to ``(N,)``, ``u = 2x + 1`` and ``u = a x + c`` (``u_x`` does not depend on ``x``),
constant fields with and without an autograd graph, one point, and points ``xt`` that already
require grad. These cases are compared with ``ml4p_ref.week08_pinn`` (per-point ``torch.func``
gradients and Hessians, float64), including the vector-Jacobian product of the residual with
respect to the field's parameters (the residual must be differentiable in them:
``create_graph=True``).

The exact solutions of curriculum.md 4.5 (``u = x/(t+1)``, the Taylor viscous shock, Cole-Hopf from
a heat solution) are checked without the reference: the residual divided by
``|u_t| + |u u_x| + (nu/pi) |u_xx|`` (those terms taken here by float64 autograd on the same field)
stays below the bound of curriculum.md 2.5. ``u = 2x + 1`` is also checked against its analytic
residual ``2(2x + 1)``. Every case also records whether ``xt.requires_grad`` was left as it was
and whether ``u_fn`` was evaluated only at the rows of ``xt`` (finite differences evaluate it
elsewhere).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import torch

from autograder.case import Case, CaseRng, Property, in_dtypes, reference_inputs
from autograder.exercise import Exercise, Hint
from autograder.nets import TensorMLP, leaves, mlp_weights
from autograder.probe import ProbeContext, vjp
from autograder.tolerance import tolerance_for

MODULE = "week08_pinn"
DEFAULT_NU = 0.01  # the default of burgers_residual's nu

# observation keys besides "out" and "grad:u_fn.<weight>"
XT_FLAG_KEPT = "xt.requires_grad unchanged by the call"
ONLY_AT_POINTS = "u_fn evaluated only at the rows of xt"

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
    """Wraps a field and notes whether it was ever called at points that are not rows of ``xt``."""

    def __init__(self, field: Callable, xt: torch.Tensor):
        self.field, self.xt = field, xt.detach().clone()
        self.only_at_points = True

    def __call__(self, points: torch.Tensor) -> torch.Tensor:
        try:
            rows = points.detach().reshape(-1, 2).to(self.xt.dtype)
            found = (rows[:, None, :] == self.xt[None, :, :]).all(-1).any(-1).all()
            if not bool(found):  # raises inside torch.func transforms (the reference): skipped
                self.only_at_points = False
        except Exception:
            pass
        return self.field(points)


# ----------------------------------------------------------------------------------------- probe
def probe(impl: Callable, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``r = burgers_residual(u_fn, xt[, nu])`` and its vjp w.r.t. the field's parameters."""
    xt = inputs["xt"]
    if inputs.get("xt requires grad", False):
        xt.requires_grad_(True)
    flag_before = xt.requires_grad
    on_graph = "u_fn" in ctx.grad or inputs.get("parameters require grad", False)
    weights = leaves(inputs["params"], "u_fn") if on_graph else {}
    wrt = weights if "u_fn" in ctx.grad else {}  # else on the graph, but no gradient compared
    u_fn = _EvaluationLog(build_field(inputs), xt)
    keywords = {"nu": inputs["nu"]} if "nu" in inputs else {}
    out = ctx.call(impl, u_fn, xt, **keywords)
    observations = {
        "out": out,
        XT_FLAG_KEPT: xt.requires_grad == flag_before,
        ONLY_AT_POINTS: u_fn.only_at_points,
    }
    if wrt:  # vjp with nothing to differentiate would call torch.autograd.grad with no inputs
        try:
            observations.update(vjp(out, wrt, ctx))
        except RuntimeError as error:
            raise RuntimeError(
                f"differentiating the residual w.r.t. the parameters of u_fn failed ({error})"
            ) from None
    return observations


# ----------------------------------------------------------------------------------------- oracles
def _derivatives(case: Case) -> dict[str, torch.Tensor]:
    """u and its first and second derivatives, float64, at the points as the student saw them."""
    inputs = reference_inputs(case)
    points = inputs["xt"].detach().clone().requires_grad_(True)
    u = build_field(inputs)(points).reshape(points.shape[0])

    def gradient(f: torch.Tensor) -> torch.Tensor:
        if not f.requires_grad:
            return torch.zeros_like(points)
        (grad,) = torch.autograd.grad(f.sum(), points, create_graph=True, allow_unused=True)
        return torch.zeros_like(points) if grad is None else grad

    u_x, u_t = gradient(u).unbind(1)
    u_xx, u_xt = gradient(u_x).unbind(1)
    u_tt = gradient(u_t)[:, 1]
    terms = {"u": u, "u_x": u_x, "u_t": u_t, "u_xx": u_xx, "u_xt": u_xt, "u_tt": u_tt}
    return {name: value.detach() for name, value in terms.items()}


def _kappa(case: Case) -> float:
    return case.inputs().get("nu", DEFAULT_NU) / math.pi


def _residual_problem(observed: Mapping[str, Any], case: Case) -> str | None:
    """Type, shape and dtype of the residual, for cases not compared with the reference."""
    out = observed.get("out")
    n = case.inputs()["xt"].shape[0]
    if out is None or out.kind != "tensor" or out.data is None:
        return f"expected a torch.Tensor of shape [{n}], got {out.describe() if out else 'nothing'}"
    if tuple(out.shape) != (n,):
        return f"expected shape [{n}], got {list(out.shape)}"
    wanted = str(case.dtype).removeprefix("torch.")
    if out.dtype != wanted:
        return f"expected dtype {wanted} (the input's), got {out.dtype}"
    return None


def _exact_solution(observed: Mapping[str, Any], case: Case) -> str | None:
    problem = _residual_problem(observed, case)
    if problem:
        return problem
    d = _derivatives(case)
    scale = d["u_t"].abs() + (d["u"] * d["u_x"]).abs() + _kappa(case) * d["u_xx"].abs()
    ratio = observed["out"].data.double().abs() / scale
    bound = NORMALIZED_BOUND[case.dtype]
    bad = ~(ratio <= bound)
    if bool(bad.any()):
        worst = int(torch.nan_to_num(ratio, nan=math.inf).argmax())
        return (
            f"{int(bad.sum())}/{ratio.numel()} points have |r| / (|u_t| + |u u_x| + (nu/pi)|u_xx|) "
            f"above {bound:.0e}; worst at index ({worst},): {float(ratio[worst]):.2e} "
            f"(r = {float(observed['out'].data[worst]):.3g})"
        )
    return None


def _analytic_affine(observed: Mapping[str, Any], case: Case) -> str | None:
    """u = a x + c: r = u u_x = a (a x + c), whatever nu is."""
    problem = _residual_problem(observed, case)
    if problem:
        return problem
    inputs = reference_inputs(case)
    a, c = inputs["params"]["a"], inputs["params"]["c"]
    expected = a * (a * inputs["xt"][:, 0] + c)
    yours = observed["out"].data.double()
    tolerance = tolerance_for("derivative", str(case.dtype).removeprefix("torch."), "cpu")
    allowed = tolerance.rtol * expected.abs() + tolerance.atol * float(expected.abs().max())
    bad = ~((yours - expected).abs() <= allowed)
    if bool(bad.any()):
        worst = int(torch.nan_to_num((yours - expected).abs(), nan=math.inf).argmax())
        return (
            f"{int(bad.sum())}/{bad.numel()} entries differ from a (a x + c); worst at index "
            f"({worst},): yours {float(yours[worst]):.6g}, expected {float(expected[worst]):.6g}"
        )
    return None


EXACT = Property("exact solution, normalized residual", _exact_solution)
ANALYTIC = Property("analytic residual r = a(ax + c)", _analytic_affine)


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
    single = {
        "field": "mlp",
        "params": mlp_weights(rng, [2, 8, 1], scale=2.0),
        "xt": _points(rng, 1),
    }
    two_x_plus_one = {"field": "ax+c", "params": {"a": _scalar(2.0), "c": _scalar(1.0)}}
    two_x_plus_one["xt"] = _points(rng, 12)
    affine = {"field": "ax+c", "params": {"a": rng.normal(), "c": rng.normal()}}
    affine.update(xt=_points(rng, 12), nu=0.2)
    fresh = {"field": "constant, no graph", "level": 0.7, "xt": _points(rng, 9)}
    constant = {"field": "constant parameter", "params": {"c": rng.normal()}, "xt": _points(rng, 9)}
    constant["parameters require grad"] = True  # u has a graph but does not depend on xt

    rational = {"field": "rational", "xt": _points(rng, 32)}
    speed, amplitude = rng.uniform(1, low=-0.5, high=0.5)[0], rng.uniform(1, low=0.5, high=1.5)[0]
    width = 2 * (DEFAULT_NU / math.pi) / float(amplitude)
    t = rng.uniform(32)
    x = speed * t + width * rng.uniform(32, low=-3.0, high=3.0)
    shock = {"field": "shock", "params": {"speed": speed, "amplitude": amplitude}}
    shock.update(xt=torch.stack([x, t], 1), nu=DEFAULT_NU)
    cole_hopf = {"field": "cole-hopf", "params": {"k": rng.uniform(1, low=1.0, high=4.0)[0]}}
    cole_hopf.update(xt=_points(rng, 32), nu=1.0)

    def compared(label: str, inputs: dict, dtype: torch.dtype, **options: Any) -> Case:
        return Case(label, inputs, dtype=dtype, tolerance="derivative", **options)

    def exact(label: str, inputs: dict, dtype: torch.dtype) -> Case:
        return Case(label, inputs, dtype=dtype, compare=False, properties=(EXACT,))

    cases = []
    cases += in_dtypes(
        lambda d: compared("tanh MLP, (N,1) output", column_net, d, grad=("u_fn",), weight=2.0)
    )
    cases += in_dtypes(
        lambda d: compared(
            "tanh MLP, (N,) output, nu=0.05", flat_net, d, grad=("u_fn",), weight=2.0
        )
    )
    cases += [
        compared("xt requires grad, nu=0.3", with_grad, torch.float64, grad=("u_fn",)),
        compared("single point (N=1)", single, torch.float64, grad=("u_fn",)),
    ]
    cases += in_dtypes(
        lambda d: compared("u = 2x + 1 gives 2(2x + 1)", two_x_plus_one, d, properties=(ANALYTIC,))
    )
    cases += [
        compared("u = ax + c, parameters a and c", affine, torch.float64, grad=("u_fn",)),
        compared("constant u, (N,1), no graph", fresh, torch.float64),
        compared("constant u = parameter c", constant, torch.float64),
        exact("exact: u = x/(t+1)", rational, torch.float64),
    ]
    cases += in_dtypes(lambda d: exact("exact: viscous shock, nu=0.01", shock, d))
    cases += in_dtypes(lambda d: exact("exact: Cole-Hopf, nu=1", cole_hopf, d))
    return cases


# ----------------------------------------------------------------------------------------- hints
def _student_out(student: Mapping[str, Any]) -> torch.Tensor | None:
    out = student.get("out")
    if out is None or out.kind != "tensor" or out.data is None:
        return None
    return out.data.double()


def _looks_like(mistake: Callable[[dict[str, torch.Tensor], float], torch.Tensor]) -> Callable:
    """Applies when the student's residual is much closer to ``mistake`` than to the right one."""

    def applies(student: Mapping[str, Any], reference: Mapping[str, Any], case: Case) -> bool:
        yours = _student_out(student)
        d = _derivatives(case)
        kappa = _kappa(case)
        if yours is None or yours.shape != d["u"].shape:
            return False
        right = d["u_t"] + d["u"] * d["u_x"] - kappa * d["u_xx"]
        wrong = mistake(d, kappa)
        to_wrong = float((yours - wrong).abs().max())
        to_right = float((yours - right).abs().max())
        return to_right > 0 and to_wrong <= 0.01 * to_right

    return applies


def _broadcast(student: Mapping[str, Any], reference: Mapping[str, Any], case: Case) -> bool:
    out = student.get("out")
    n = case.inputs()["xt"].shape[0]
    return out is not None and out.kind == "tensor" and tuple(out.shape) == (n, n)


def _flag_off(key: str) -> Callable:
    def applies(student: Mapping[str, Any], reference: Mapping[str, Any], case: Case) -> bool:
        flag = student.get(key)
        return flag is not None and flag.data is not None and float(flag.data) == 0.0

    return applies


def _graph_missing(student: Mapping[str, Any], reference: Mapping[str, Any], case: Case) -> bool:
    """Right residual, wrong parameter gradient: a derivative's graph was not kept."""
    yours, expected = _student_out(student), _student_out(reference)
    if yours is None or expected is None or yours.shape != expected.shape:
        return False
    if float((yours - expected).abs().max()) > 1e-4 * (1 + float(expected.abs().max())):
        return False
    for key, grad in reference.items():
        mine = student.get(key)
        if not key.startswith("grad:") or grad.data is None or mine is None or mine.data is None:
            continue
        scale = 1 + float(grad.data.abs().max())
        if float((mine.data.double() - grad.data.double()).abs().max()) > 1e-3 * scale:
            return True
    return False


HINTS = (
    Hint(
        "u_fn returned shape (N, 1): flatten u to (N,) before multiplying by u_x, or u * u_x "
        "broadcasts to (N, N)",
        _broadcast,
    ),
    Hint(
        "xt.requires_grad was switched on in the caller's tensor: differentiate with respect to "
        "xt.detach().clone().requires_grad_() instead",
        _flag_off(XT_FLAG_KEPT),
    ),
    Hint(
        "u_fn was called at points that are not rows of xt (finite differences?): take the "
        "derivatives with torch.autograd.grad",
        _flag_off(ONLY_AT_POINTS),
    ),
    Hint(
        "the residual is right but its gradient w.r.t. the parameters of u_fn is not: pass "
        "create_graph=True to every torch.autograd.grad call, the second derivative's included",
        _graph_missing,
    ),
    Hint(
        "the viscosity is nu/pi: the residual is u_t + u*u_x - (nu/pi)*u_xx, not nu*u_xx",
        _looks_like(lambda d, kappa: d["u_t"] + d["u"] * d["u_x"] - math.pi * kappa * d["u_xx"]),
    ),
    Hint(
        "the viscosity term enters with a minus sign: r = u_t + u*u_x - (nu/pi)*u_xx",
        _looks_like(lambda d, kappa: d["u_t"] + d["u"] * d["u_x"] + kappa * d["u_xx"]),
    ),
    Hint(
        "u_xx came out zero: keep the graph of the first derivative (create_graph=True) so that "
        "u_x can be differentiated again",
        _looks_like(lambda d, kappa: d["u_t"] + d["u"] * d["u_x"]),
    ),
    Hint(
        "x and t are swapped: xt[:, 0] is x and xt[:, 1] is t (column 0 of the gradient is u_x)",
        _looks_like(lambda d, kappa: d["u_x"] + d["u"] * d["u_t"] - kappa * d["u_tt"]),
    ),
    Hint(
        "u_xx is column 0 of the gradient of u_x; column 1 is the mixed derivative u_xt",
        _looks_like(lambda d, kappa: d["u_t"] + d["u"] * d["u_x"] - kappa * d["u_xt"]),
    ),
)

EXERCISES = [
    Exercise(
        MODULE,
        "burgers_residual",
        points=3.0,
        cases=burgers_cases,
        probe=probe,
        forbidden=FORBIDDEN,
        hints=HINTS,
    )
]
