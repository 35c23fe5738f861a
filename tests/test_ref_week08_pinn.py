"""Trust tests for the week 8 reference: Burgers residual against exact solutions, analytic fields,
central finite differences in float64, parameter gradients, and agreement with the solution."""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import torch
from torch import nn
from torch.func import functional_call

from ml4p_ref import week08_pinn as reference
from solutions import week08_pinn as solution

pytestmark = pytest.mark.week08

Field = Callable[[torch.Tensor], torch.Tensor]

DTYPES = [torch.float64, torch.float32]
# curriculum.md 2.5: PDE residual on an exact solution, normalized by the sum of |terms|.
NORMALIZED_RESIDUAL_BOUND = {torch.float64: 1e-12, torch.float32: 1e-5}
# curriculum.md 2.5: autograd derivative vs analytic.
ANALYTIC_RTOL = {torch.float64: 1e-10, torch.float32: 1e-4}


def kappa_of(nu: float) -> float:
    return nu / math.pi


def uniform(n: int, low: float, high: float, generator: torch.Generator) -> torch.Tensor:
    return low + (high - low) * torch.rand(n, generator=generator, dtype=torch.float64)


def points_box(n: int, seed: int) -> torch.Tensor:
    """Float64 points with x in [-1, 1] and t in [0, 1], shape (n, 2)."""
    generator = torch.Generator().manual_seed(seed)
    x = uniform(n, -1.0, 1.0, generator)
    t = uniform(n, 0.0, 1.0, generator)
    return torch.stack([x, t], dim=1)


# ---------------------------------------------------------------- exact solutions (curriculum 4.5)
@dataclass(frozen=True)
class ExactSolution:
    """A closed-form field u(x, t) with its hand-derived derivatives, all as functions of (x, t)."""

    u: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    u_t: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    u_x: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    u_xx: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    points: torch.Tensor  # float64, (N, 2)


def rational_solution(nu: float) -> ExactSolution:
    """u = x / (t + 1)."""
    return ExactSolution(
        u=lambda x, t: x / (t + 1),
        u_t=lambda x, t: -x / (t + 1) ** 2,
        u_x=lambda x, t: 1 / (t + 1) + 0 * x,
        u_xx=lambda x, t: 0 * x,
        points=points_box(64, seed=1),
    )


def shock_solution(nu: float, speed: float = 0.3, amplitude: float = 1.0) -> ExactSolution:
    """Taylor viscous shock u = c - A tanh(A (x - c t) / (2 kappa)), sampled across the shock."""
    kappa = kappa_of(nu)
    width = 2 * kappa / amplitude

    def tanh_s(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return torch.tanh((x - speed * t) / width)

    def sech2(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return 1 - tanh_s(x, t) ** 2

    generator = torch.Generator().manual_seed(2)
    t = uniform(64, 0.0, 1.0, generator)
    x = speed * t + width * uniform(64, -3.0, 3.0, generator)
    return ExactSolution(
        u=lambda x, t: speed - amplitude * tanh_s(x, t),
        u_t=lambda x, t: amplitude**2 * speed * sech2(x, t) / (2 * kappa),
        u_x=lambda x, t: -(amplitude**2) * sech2(x, t) / (2 * kappa),
        u_xx=lambda x, t: amplitude**3 * tanh_s(x, t) * sech2(x, t) / (2 * kappa**2),
        points=torch.stack([x, t], dim=1),
    )


def cole_hopf_solution(nu: float) -> ExactSolution:
    """u = -2 kappa phi_x / phi with the heat solution phi = 2 + exp(-kappa pi^2 t) cos(pi x)."""
    kappa = kappa_of(nu)
    pi = math.pi

    def decay(t: torch.Tensor) -> torch.Tensor:
        return torch.exp(-kappa * pi**2 * t)

    def phi(x, t):
        return 2 + decay(t) * torch.cos(pi * x)

    def phi_x(x, t):
        return -pi * decay(t) * torch.sin(pi * x)

    def phi_xx(x, t):
        return -(pi**2) * decay(t) * torch.cos(pi * x)

    def phi_xxx(x, t):
        return pi**3 * decay(t) * torch.sin(pi * x)

    def phi_t(x, t):
        return kappa * phi_xx(x, t)

    def phi_xt(x, t):
        return kappa * phi_xxx(x, t)

    def u_xx(x, t):
        p, p1, p2, p3 = phi(x, t), phi_x(x, t), phi_xx(x, t), phi_xxx(x, t)
        return -2 * kappa * (p3 / p - 3 * p1 * p2 / p**2 + 2 * p1**3 / p**3)

    return ExactSolution(
        u=lambda x, t: -2 * kappa * phi_x(x, t) / phi(x, t),
        u_t=lambda x, t: (
            -2 * kappa * (phi_xt(x, t) / phi(x, t) - phi_x(x, t) * phi_t(x, t) / phi(x, t) ** 2)
        ),
        u_x=lambda x, t: -2 * kappa * (phi_xx(x, t) / phi(x, t) - (phi_x(x, t) / phi(x, t)) ** 2),
        u_xx=u_xx,
        points=points_box(64, seed=3),
    )


EXACT_CASES = {
    "rational nu=0.01": (rational_solution, 0.01),
    "shock nu=0.01": (shock_solution, 0.01),
    "shock nu=0.1": (lambda nu: shock_solution(nu, speed=-0.2, amplitude=0.5), 0.1),
    "cole-hopf nu=0.01": (cole_hopf_solution, 0.01),
    "cole-hopf nu=1": (cole_hopf_solution, 1.0),
}


def field_of(solution_: ExactSolution) -> Field:
    return lambda xt: solution_.u(xt[:, 0], xt[:, 1])


def term_sizes(exact: ExactSolution, nu: float, points: torch.Tensor) -> dict[str, torch.Tensor]:
    x, t = points[:, 0], points[:, 1]
    u, u_x = exact.u(x, t), exact.u_x(x, t)
    return {"u_t": exact.u_t(x, t), "u u_x": u * u_x, "kappa u_xx": kappa_of(nu) * exact.u_xx(x, t)}


def normalized(residual: torch.Tensor, terms: dict[str, torch.Tensor]) -> torch.Tensor:
    scale = sum(term.abs() for term in terms.values())
    return residual.abs() / scale


@pytest.mark.parametrize("case", EXACT_CASES)
def test_exact_solution_closed_forms_satisfy_burgers(case: str) -> None:
    """Sanity of the hand-derived derivatives used below: they satisfy the PDE in float64."""
    make, nu = EXACT_CASES[case]
    exact = make(nu)
    terms = term_sizes(exact, nu, exact.points)
    residual = terms["u_t"] + terms["u u_x"] - terms["kappa u_xx"]
    assert normalized(residual, terms).max() <= 1e-13


@pytest.mark.parametrize("case", EXACT_CASES)
def test_closed_form_derivatives_match_finite_differences(case: str) -> None:
    make, nu = EXACT_CASES[case]
    exact = make(nu)
    x, t = exact.points[:, 0], exact.points[:, 1]
    h = 1e-5 * (2 * kappa_of(nu) if case.startswith("shock") else 1.0)
    fd_t = (exact.u(x, t + h) - exact.u(x, t - h)) / (2 * h)
    fd_x = (exact.u(x + h, t) - exact.u(x - h, t)) / (2 * h)
    fd_xx = (exact.u_x(x + h, t) - exact.u_x(x - h, t)) / (2 * h)
    for name, fd, closed in [
        ("u_t", fd_t, exact.u_t(x, t)),
        ("u_x", fd_x, exact.u_x(x, t)),
        ("u_xx", fd_xx, exact.u_xx(x, t)),
    ]:
        scale = closed.abs().max() + 1e-300
        torch.testing.assert_close(fd, closed, rtol=1e-6, atol=1e-6 * scale, msg=name)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", EXACT_CASES)
def test_reference_vanishes_on_exact_solutions(case: str, dtype: torch.dtype) -> None:
    make, nu = EXACT_CASES[case]
    exact = make(nu)
    points = exact.points.to(dtype)
    residual = reference.burgers_residual(field_of(exact), points, nu=nu)
    assert residual.shape == (points.shape[0],)
    assert residual.dtype == dtype
    terms = term_sizes(exact, nu, points.double())
    assert normalized(residual.double(), terms).max() <= NORMALIZED_RESIDUAL_BOUND[dtype]


@pytest.mark.parametrize("dtype", DTYPES)
def test_reference_constant_field_is_exactly_zero(dtype: torch.dtype) -> None:
    points = points_box(9, seed=4).to(dtype)
    constants = {
        "full_like": lambda xt: torch.full_like(xt[:, 0], 0.7),
        "fresh tensor": lambda xt: torch.ones(xt.shape[0], 1, dtype=xt.dtype),
        "parameter": lambda xt: (
            torch.tensor(0.7, dtype=xt.dtype, requires_grad=True) * torch.ones_like(xt[:, 0])
        ),
    }
    for name, u_fn in constants.items():
        residual = reference.burgers_residual(u_fn, points)
        torch.testing.assert_close(
            residual, torch.zeros_like(points[:, 0]), rtol=0, atol=0, msg=name
        )


# ------------------------------------------------------------------ analytic non-solutions
def analytic_fields(nu: float) -> dict[str, tuple[Field, Callable[[torch.Tensor], torch.Tensor]]]:
    """Fields with their residual derived by hand: (u_fn, xt -> r)."""
    kappa = kappa_of(nu)
    pi = math.pi
    return {
        "u = 2x + 1": (lambda xt: 2 * xt[:, 0] + 1, lambda xt: 2 * (2 * xt[:, 0] + 1)),
        "u = t": (lambda xt: xt[:, 1], lambda xt: torch.ones_like(xt[:, 1])),
        "u = x^2 (N,1)": (lambda xt: xt[:, :1] ** 2, lambda xt: 2 * xt[:, 0] ** 3 - 2 * kappa),
        "u = sin(pi x) exp(-t)": (
            lambda xt: torch.sin(pi * xt[:, 0]) * torch.exp(-xt[:, 1]),
            lambda xt: (
                torch.sin(pi * xt[:, 0])
                * torch.exp(-xt[:, 1])
                * (-1 + pi * torch.cos(pi * xt[:, 0]) * torch.exp(-xt[:, 1]) + kappa * pi**2)
            ),
        ),
    }


@pytest.mark.parametrize("nu", [0.01, 0.3])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(analytic_fields(0.01)))
def test_reference_matches_analytic_residual(name: str, dtype: torch.dtype, nu: float) -> None:
    u_fn, residual_of = analytic_fields(nu)[name]
    points = points_box(33, seed=5)
    expected = residual_of(points)
    residual = reference.burgers_residual(u_fn, points.to(dtype), nu=nu)
    rtol = ANALYTIC_RTOL[dtype]
    scale = expected.abs().max()
    torch.testing.assert_close(residual.double(), expected, rtol=rtol, atol=rtol * scale)


# ------------------------------------------------------------------ a random tanh MLP
class TanhMLP(nn.Module):
    """u(x, t) as a tanh network with seeded parameters; returns shape (M, 1)."""

    def __init__(self, widths: list[int], seed: int) -> None:
        super().__init__()
        generator = torch.Generator().manual_seed(seed)
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for fan_in, fan_out in itertools.pairwise(widths):
            weight = torch.randn(fan_in, fan_out, generator=generator, dtype=torch.float64)
            bias = torch.randn(fan_out, generator=generator, dtype=torch.float64)
            self.weights.append(nn.Parameter(1.5 * weight / math.sqrt(fan_in)))
            self.biases.append(nn.Parameter(0.5 * bias))

    def forward(self, xt: torch.Tensor) -> torch.Tensor:
        # Integer indexing only: slicing a ParameterList would re-wrap the tensors that
        # functional_call swaps in as new leaves and cut the graph to them.
        hidden = xt
        last = len(self.weights) - 1
        for layer in range(last):
            hidden = torch.tanh(hidden @ self.weights[layer] + self.biases[layer])
        return hidden @ self.weights[last] + self.biases[last]


def central_difference_residual(u_fn: Field, xt: torch.Tensor, nu: float, h: float) -> torch.Tensor:
    """Float64 central differences of u in x and t (the oracle, never used in the exercise)."""
    dx = xt.new_tensor([h, 0.0])
    dt = xt.new_tensor([0.0, h])

    def u_at(points: torch.Tensor) -> torch.Tensor:
        return u_fn(points).reshape(-1)

    u = u_at(xt)
    u_t = (u_at(xt + dt) - u_at(xt - dt)) / (2 * h)
    u_x = (u_at(xt + dx) - u_at(xt - dx)) / (2 * h)
    u_xx = (u_at(xt + dx) - 2 * u + u_at(xt - dx)) / h**2
    return u_t + u * u_x - kappa_of(nu) * u_xx


@pytest.mark.parametrize("nu", [0.01, 0.5])
@pytest.mark.parametrize("seed", [0, 1])
def test_reference_matches_central_differences_on_mlp(seed: int, nu: float) -> None:
    mlp = TanhMLP([2, 16, 16, 1], seed=seed)
    points = points_box(40, seed=10 + seed)
    residual = reference.burgers_residual(mlp, points, nu=nu)
    with torch.no_grad():
        expected = central_difference_residual(mlp, points, nu=nu, h=1e-4)
    scale = float(expected.abs().max())
    torch.testing.assert_close(residual.detach(), expected, rtol=1e-6, atol=1e-6 * scale)


@pytest.mark.parametrize("n_points", [1, 7])
def test_reference_column_output_equals_flat_output(n_points: int) -> None:
    mlp = TanhMLP([2, 8, 1], seed=3)
    points = points_box(n_points, seed=11)
    column = reference.burgers_residual(mlp, points)
    flat = reference.burgers_residual(lambda xt: mlp(xt).squeeze(-1), points)
    assert column.shape == flat.shape == (n_points,)
    torch.testing.assert_close(column, flat, rtol=0, atol=0)


def test_reference_leaves_points_unmodified_and_ignores_their_grad() -> None:
    mlp = TanhMLP([2, 8, 1], seed=4)
    points = points_box(6, seed=12)
    before = points.clone()
    plain = reference.burgers_residual(mlp, points)
    torch.testing.assert_close(points, before, rtol=0, atol=0)
    leaf = before.clone().requires_grad_(True)
    with_grad = reference.burgers_residual(mlp, leaf)
    torch.testing.assert_close(with_grad, plain, rtol=0, atol=0)
    assert leaf.grad is None
    torch.testing.assert_close(leaf.detach(), before, rtol=0, atol=0)


def weighted_residual_sum(
    module: nn.Module,
    params: dict[str, torch.Tensor],
    points: torch.Tensor,
    cotangent: torch.Tensor,
) -> torch.Tensor:
    def u_fn(xt: torch.Tensor) -> torch.Tensor:
        return functional_call(module, params, (xt,))

    return (reference.burgers_residual(u_fn, points) * cotangent).sum()


def test_reference_parameter_gradient_matches_directional_finite_difference() -> None:
    mlp = TanhMLP([2, 12, 12, 1], seed=5)
    points = points_box(20, seed=13)
    generator = torch.Generator().manual_seed(14)
    cotangent = torch.randn(20, generator=generator, dtype=torch.float64)
    params = dict(mlp.named_parameters())
    direction = {
        name: torch.randn(p.shape, generator=generator, dtype=p.dtype) for name, p in params.items()
    }
    loss = weighted_residual_sum(mlp, params, points, cotangent)
    grads = torch.autograd.grad(loss, list(params.values()))
    assert all(torch.isfinite(g).all() and g.abs().sum() > 0 for g in grads)
    directional = sum((g * direction[name]).sum() for g, name in zip(grads, params, strict=True))

    def shifted(step: float) -> torch.Tensor:
        moved = {name: p.detach() + step * direction[name] for name, p in params.items()}
        return weighted_residual_sum(mlp, moved, points, cotangent).detach()

    eps = 1e-6
    fd = (shifted(eps) - shifted(-eps)) / (2 * eps)
    torch.testing.assert_close(directional.detach(), fd, rtol=1e-6, atol=1e-8)


def test_reference_gradcheck_in_parameters() -> None:
    mlp = TanhMLP([2, 5, 1], seed=6)
    points = points_box(4, seed=15)
    names = [name for name, _ in mlp.named_parameters()]
    values = tuple(p.detach().clone().requires_grad_(True) for p in mlp.parameters())

    def residual_of(*param_values: torch.Tensor) -> torch.Tensor:
        params = dict(zip(names, param_values, strict=True))
        return reference.burgers_residual(lambda xt: functional_call(mlp, params, (xt,)), points)

    assert torch.autograd.gradcheck(residual_of, values)


# ------------------------------------------------------------------ solution vs reference
def edge_fields() -> dict[str, Field]:
    return {
        "constant full_like": lambda xt: torch.full_like(xt[:, 0], -0.4),
        "constant fresh (N,1)": lambda xt: torch.ones(xt.shape[0], 1, dtype=xt.dtype),
        "u = 2x + 1": lambda xt: 2 * xt[:, 0] + 1,
        "u = t (N,1)": lambda xt: xt[:, 1:],
        "u = x/(t+1)": lambda xt: xt[:, 0] / (xt[:, 1] + 1),
    }


def residual_scale(residual: torch.Tensor) -> float:
    return 1.0 + float(residual.detach().abs().max())


SOLUTION_RTOL = {torch.float64: 1e-10, torch.float32: 1e-4}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_solution_matches_reference_on_mlp(seed: int, dtype: torch.dtype, device: str) -> None:
    mlp = TanhMLP([2, 16, 16, 1], seed=20 + seed)
    points = points_box(25, seed=30 + seed)
    cotangent = torch.randn(25, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    expected = reference.burgers_residual(mlp, points, nu=0.05)
    expected_grads = torch.autograd.grad((expected * cotangent).sum(), list(mlp.parameters()))

    student_mlp = copy.deepcopy(mlp).to(dtype=dtype, device=device)
    student_points = points.to(dtype=dtype, device=device)
    residual = solution.burgers_residual(student_mlp, student_points, nu=0.05)
    assert residual.shape == (25,) and residual.dtype == dtype
    assert residual.device == student_points.device
    rtol = SOLUTION_RTOL[dtype]
    scale = residual_scale(expected)
    torch.testing.assert_close(
        residual.detach().cpu().double(), expected.detach(), rtol=rtol, atol=rtol * scale
    )
    student_cotangent = cotangent.to(dtype=dtype, device=device)
    grads = torch.autograd.grad(
        (residual * student_cotangent).sum(), list(student_mlp.parameters())
    )
    for grad, expected_grad in zip(grads, expected_grads, strict=True):
        grad_scale = 1.0 + float(expected_grad.abs().max())
        torch.testing.assert_close(
            grad.cpu().double(), expected_grad, rtol=rtol, atol=rtol * grad_scale
        )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(edge_fields()))
def test_solution_matches_reference_on_edge_fields(name: str, dtype: torch.dtype, device: str):
    u_fn = edge_fields()[name]
    points = points_box(8, seed=40)
    expected = reference.burgers_residual(u_fn, points)
    student_points = points.to(dtype=dtype, device=device)
    before = student_points.clone()
    residual = solution.burgers_residual(u_fn, student_points)
    assert residual.shape == (8,) and residual.dtype == dtype
    torch.testing.assert_close(student_points, before, rtol=0, atol=0)
    assert not student_points.requires_grad, "xt.requires_grad was switched on in place"
    rtol = SOLUTION_RTOL[dtype]
    torch.testing.assert_close(
        residual.cpu().double(), expected, rtol=rtol, atol=rtol * residual_scale(expected)
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", EXACT_CASES)
def test_solution_vanishes_on_exact_solutions(case: str, dtype: torch.dtype) -> None:
    make, nu = EXACT_CASES[case]
    exact = make(nu)
    points = exact.points.to(dtype)
    residual = solution.burgers_residual(field_of(exact), points, nu=nu)
    terms = term_sizes(exact, nu, points.double())
    assert normalized(residual.double(), terms).max() <= NORMALIZED_RESIDUAL_BOUND[dtype]


@pytest.mark.parametrize("n_points", [1, 5])
def test_solution_single_and_column_outputs(n_points: int) -> None:
    mlp = TanhMLP([2, 8, 1], seed=7)
    points = points_box(n_points, seed=41).requires_grad_(True)
    expected = reference.burgers_residual(mlp, points)
    column = solution.burgers_residual(mlp, points)
    flat = solution.burgers_residual(lambda xt: mlp(xt).squeeze(-1), points)
    assert column.shape == flat.shape == (n_points,)
    assert points.grad is None
    torch.testing.assert_close(column, expected, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(flat, expected, rtol=1e-10, atol=1e-12)


def test_solution_parameter_gradient_of_constant_field_is_zero() -> None:
    level = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    points = points_box(5, seed=42)

    def u_fn(xt: torch.Tensor) -> torch.Tensor:
        return level * torch.ones_like(xt[:, 0])

    for implementation in (reference, solution):
        residual = implementation.burgers_residual(u_fn, points)
        (grad,) = torch.autograd.grad(residual.sum(), level, allow_unused=True)
        assert grad is None or float(grad) == 0.0
