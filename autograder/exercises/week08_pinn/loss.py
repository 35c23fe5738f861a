"""Week 8 checks: pinn_loss, the boundary misfit plus the Burgers residual of a PINN.

The cases hand ``pinn_loss`` the fields of ``burgers`` (random tanh MLPs with an ``(N, 1)`` or an
``(N,)`` output, rebuilt from their weight tensors) with collocation points, boundary points and
boundary data of different sizes, so that a sum, a mean over all points together and a mean over
each set of points give different numbers. The loss and its vector-Jacobian product w.r.t. the
field's parameters are compared with ``ml4p_ref.week08_pinn`` (``F.mse_loss`` over the reference
residual). The lesson: each term is a *mean* over its own points.

Exact results, without the reference: for ``u = x/(t+1)`` and a Cole-Hopf solution, with boundary
data taken from the solution itself, the loss is at most 1e-24 in float64.
"""

from __future__ import annotations

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
    DEFAULT_NU,
    FORBIDDEN,
    _points,
    build_field,
    field_terms,
    observe_with_vjp,
    residual_from,
)
from autograder.hints import Evidence, Hint, all_of, explained_by, in_group
from autograder.nets import leaves, mlp_weights
from autograder.probe import ProbeContext

MODULE = "week08_pinn"
DEFAULT_W_B = 5.0  # the default of pinn_loss's w_b
GROUPS = {
    "values": 3.0,
    "edge cases": 1.0,
    "gradients": 3.0,
    "exact results": 2.0,
    "properties": 1.0,
}
EXACT_LOSS_BOUND = 1e-24  # curriculum.md 8.2, float64


# ----------------------------------------------------------------------------------------- probe
def probe(impl: Callable, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``L = pinn_loss(u_fn, xt_f, xt_b, u_b[, nu, w_b])`` and its vjp w.r.t. the parameters."""
    weights = leaves(inputs["params"], "u_fn") if "u_fn" in ctx.grad else {}
    u_fn = build_field(inputs)
    keywords = {name: inputs[name] for name in ("nu", "w_b") if name in inputs}
    out = ctx.call(impl, u_fn, inputs["xt_f"], inputs["xt_b"], inputs["u_b"], **keywords)
    return observe_with_vjp(out, weights, ctx, "your loss w.r.t. the parameters of u_fn")


# ----------------------------------------------------------------------------------------- terms
def squared_errors(case: Case, nu: float | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Float64 ``(u(xt_b) - u_b)^2`` (N_b,) and ``r(xt_f)^2`` (N_f,), at the inputs the student saw
    (the residual with viscosity parameter ``nu`` when given, the case's own otherwise)."""
    inputs = reference_inputs(case)
    with torch.no_grad():
        u_b_pred = build_field(inputs)(inputs["xt_b"]).reshape(-1)
    collocation = dict(inputs, xt=inputs["xt_f"])
    nu = inputs.get("nu", DEFAULT_NU) if nu is None else nu
    residual = residual_from(field_terms(collocation, u_xx_graph=False), nu / torch.pi).detach()
    return (u_b_pred - inputs["u_b"]) ** 2, residual**2


def weight(case: Case) -> float:
    return float(case.inputs.get("w_b", DEFAULT_W_B))


def loss_variant(
    mistake: Callable[[torch.Tensor, torch.Tensor, float], torch.Tensor], nu: float | None = None
):
    """Applies when the student's loss is ``mistake(boundary_sq, residual_sq, w_b)`` (with the
    residual of viscosity parameter ``nu`` when given)."""

    def variant(evidence: Evidence) -> torch.Tensor:
        boundary, residual = squared_errors(evidence.case, nu)
        return mistake(boundary, residual, weight(evidence.case))

    return explained_by(variant, key="out", rtol=1e-6)


def _broadcast_variant(evidence: Evidence) -> torch.Tensor:
    """The loss when u(xt_b) of shape (N_b, 1) broadcasts against u_b into (N_b, N_b)."""
    case = evidence.case
    inputs = reference_inputs(case)
    with torch.no_grad():
        u_b_pred = build_field(inputs)(inputs["xt_b"]).reshape(-1, 1)
    _, residual = squared_errors(case)
    return weight(case) * ((u_b_pred - inputs["u_b"]) ** 2).mean() + residual.mean()


# ----------------------------------------------------------------------------------------- properties
def _loss(observed: Mapping[str, Any], case: Case) -> float:
    """The student's loss as a float, once it is a 0-dimensional tensor of the input's dtype."""
    out = observed.get("out")
    if out is None or out.kind != "tensor":
        raise Unfit(
            f"out: expected a torch.Tensor, got {'nothing' if out is None else out.describe()}"
        )
    if out.dtype != DTYPE_NAMES[case.dtype]:
        raise Unfit(f"out: expected dtype {DTYPE_NAMES[case.dtype]} (the input's), got {out.dtype}")
    return float(observed_array(observed, "out", ()))


def _exact_loss(observed: Mapping[str, Any], case: Case) -> str | None:
    loss = _loss(observed, case)
    if not abs(loss) <= EXACT_LOSS_BOUND:
        return (
            f"the loss of an exact solution whose boundary data match is {loss:.3e}, expected "
            f"at most {EXACT_LOSS_BOUND:.0e} (float64)"
        )
    return None


EXACT = Property("exact solution, loss <= 1e-24", _exact_loss, group="exact results")


# ----------------------------------------------------------------------------------------- cases
def _net(rng: CaseRng, field: str, sizes: list[int], n_f: int, n_b: int) -> dict[str, Any]:
    """A tanh MLP field with ``n_f`` collocation points and ``n_b`` boundary points and data."""
    inputs: dict[str, Any] = {"field": field, "params": mlp_weights(rng, sizes, scale=2.0)}
    inputs.update(xt_f=_points(rng, n_f), xt_b=_points(rng, n_b), u_b=rng.normal(n_b))
    return inputs


def _exact(field: str, params: dict[str, Any], nu: float, rng: CaseRng) -> dict[str, Any]:
    """An exact solution with its own values as boundary data (initial line and x = -1, 1)."""
    inputs: dict[str, Any] = {"field": field, "params": params, "nu": nu}
    t = rng.uniform(6)
    x_line = rng.uniform(8, low=-1.0, high=1.0)
    xt_b = torch.cat(
        [
            torch.stack([x_line, torch.zeros(8, dtype=torch.float64)], 1),
            torch.stack([-torch.ones(6, dtype=torch.float64), t], 1),
            torch.stack([torch.ones(6, dtype=torch.float64), t], 1),
        ]
    )
    with torch.no_grad():
        u_b = build_field(inputs)(xt_b).reshape(-1)
    inputs.update(xt_f=_points(rng, 24), xt_b=xt_b, u_b=u_b)
    return inputs


def loss_cases(rng: CaseRng) -> list[Case]:
    column = _net(rng, "mlp", [2, 12, 12, 1], n_f=20, n_b=7)
    flat = _net(rng, "mlp flat", [2, 10, 1], n_f=15, n_b=9)
    flat.update(nu=0.05, w_b=1.5)
    single = _net(rng, "mlp", [2, 8, 1], n_f=1, n_b=1)
    single["w_b"] = 2.0
    physics_only = _net(rng, "mlp flat", [2, 8, 8, 1], n_f=11, n_b=5)
    physics_only.update(nu=0.2, w_b=0.0)
    rational = _exact("rational", {}, DEFAULT_NU, rng)
    cole_hopf = _exact("cole-hopf", {"k": rng.uniform(1, low=1.0, high=3.0)[0]}, 1.0, rng)

    def compared(label: str, inputs: dict, group: str, **options: Any) -> Case:
        return Case(label, inputs, group=group, tolerance="derivative", grad=("u_fn",), **options)

    def exact(label: str, inputs: dict) -> Case:
        return Case(label, inputs, group="exact results", compare=False, properties=(EXACT,))

    return [
        compared("tanh MLP, (N,1) output, defaults", column, "values", dtypes=BOTH, weight=2),
        compared("tanh MLP, (N,) output, nu=0.05, w_b=1.5", flat, "values", dtypes=BOTH, weight=2),
        compared("one collocation and one boundary point", single, "edge cases"),
        compared("w_b = 0: the physics alone, nu=0.2", physics_only, "edge cases"),
        exact("exact: u = x/(t+1)", rational),
        exact("exact: Cole-Hopf, nu=1", cole_hopf),
    ]


# ----------------------------------------------------------------------------------------- hints
HINTS = (
    Hint(
        "each term is a mean over its own points: w_b * mean((u(xt_b) - u_b)**2) + "
        "mean(r**2), not a sum",
        loss_variant(lambda b, r, w: w * b.sum() + r.sum()),
    ),
    Hint(
        "each term is a mean over its own points, not one mean over all N_b + N_f points",
        loss_variant(lambda b, r, w: (w * b.sum() + r.sum()) / (b.numel() + r.numel())),
    ),
    Hint(
        "w_b weighs the boundary term: w_b * mean((u(xt_b) - u_b)**2) + mean(r**2)",
        loss_variant(lambda b, r, w: b.mean() + w * r.mean()),
    ),
    Hint(
        "u_fn returned shape (N_b, 1): flatten it to (N_b,) before subtracting u_b, or the "
        "difference broadcasts to (N_b, N_b)",
        explained_by(_broadcast_variant, key="out", rtol=1e-6),
    ),
    Hint(
        "pass nu on to the residual: burgers_residual(u_fn, xt_f, nu=nu)",
        all_of(
            lambda evidence: evidence.case.inputs.get("nu", DEFAULT_NU) != DEFAULT_NU,
            in_group("values", "edge cases"),
            loss_variant(lambda b, r, w: w * b.mean() + r.mean(), nu=DEFAULT_NU),
        ),
    ),
)

EXERCISES = [
    Exercise(
        MODULE,
        "pinn_loss",
        points=2.0,
        cases=loss_cases,
        probe=probe,
        groups=GROUPS,
        lesson="each term of the PINN loss is a mean over its own points (w_b * mean of the "
        "boundary misfit + mean of r^2): sums make the balance depend on how many points are drawn",
        forbidden=FORBIDDEN,
        hints=HINTS,
    )
]
