"""Trust tests for the week 8 PINN loss: the reference against a loss written out by hand on
float64 central differences, the exact-solution bound of curriculum.md 8.2, means (duplicating the
points changes nothing), gradients reaching every parameter, and agreement with the solution."""

from __future__ import annotations

import math

import pytest
import torch
from test_ref_week08_pinn import TanhMLP, central_difference_residual, points_box

from ml4p_ref import week08_pinn as reference
from solutions import week08_pinn as solution

pytestmark = pytest.mark.week08

EXACT_LOSS_BOUND = 1e-24  # curriculum.md 8.2, float64


def boundary_points(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Points on the initial line and on x = -1, 1, shape (3n, 2), and arbitrary data (3n,)."""
    generator = torch.Generator().manual_seed(seed)
    x = 2 * torch.rand(n, generator=generator, dtype=torch.float64) - 1
    t = torch.rand(n, generator=generator, dtype=torch.float64)
    zeros, ones = torch.zeros(n, dtype=torch.float64), torch.ones(n, dtype=torch.float64)
    xt_b = torch.cat(
        [torch.stack([x, zeros], 1), torch.stack([-ones, t], 1), torch.stack([ones, t], 1)]
    )
    return xt_b, torch.randn(3 * n, generator=generator, dtype=torch.float64)


def loss_by_hand(u_fn, xt_f, xt_b, u_b, nu: float, w_b: float) -> torch.Tensor:
    """w_b * sum of squared misfits / N_b + sum of squared central-difference residuals / N_f."""
    with torch.no_grad():
        misfit = u_fn(xt_b).reshape(-1) - u_b
        residual = central_difference_residual(u_fn, xt_f, nu=nu, h=1e-4)
    return w_b * (misfit**2).sum() / len(u_b) + (residual**2).sum() / xt_f.shape[0]


@pytest.mark.parametrize(("nu", "w_b"), [(0.01, 5.0), (0.3, 1.0), (0.05, 0.0)])
def test_reference_matches_loss_by_hand_on_mlp(nu: float, w_b: float) -> None:
    mlp = TanhMLP([2, 12, 12, 1], seed=50)
    xt_f = points_box(17, seed=51)
    xt_b, u_b = boundary_points(4, seed=52)
    loss = reference.pinn_loss(mlp, xt_f, xt_b, u_b, nu=nu, w_b=w_b)
    assert loss.shape == () and loss.dtype == torch.float64
    expected = loss_by_hand(mlp, xt_f, xt_b, u_b, nu, w_b)
    torch.testing.assert_close(loss.detach(), expected, rtol=1e-6, atol=0)


def test_reference_defaults_are_nu_001_and_w_b_5() -> None:
    mlp = TanhMLP([2, 8, 1], seed=53)
    xt_f = points_box(9, seed=54)
    xt_b, u_b = boundary_points(3, seed=55)
    default = reference.pinn_loss(mlp, xt_f, xt_b, u_b)
    explicit = reference.pinn_loss(mlp, xt_f, xt_b, u_b, nu=0.01, w_b=5.0)
    torch.testing.assert_close(default, explicit, rtol=0, atol=0)


def test_reference_is_a_mean_duplicated_points_change_nothing() -> None:
    mlp = TanhMLP([2, 8, 8, 1], seed=56)
    xt_f = points_box(7, seed=57)
    xt_b, u_b = boundary_points(2, seed=58)
    once = reference.pinn_loss(mlp, xt_f, xt_b, u_b)
    twice = reference.pinn_loss(
        mlp, torch.cat([xt_f, xt_f]), torch.cat([xt_b, xt_b, xt_b]), torch.cat([u_b, u_b, u_b])
    )
    torch.testing.assert_close(once, twice, rtol=1e-13, atol=0)


def rational(xt: torch.Tensor) -> torch.Tensor:
    return xt[:, 0] / (xt[:, 1] + 1)


def cole_hopf(nu: float, k: float):
    kappa = nu / math.pi

    def field(xt: torch.Tensor) -> torch.Tensor:
        decay = torch.exp(-kappa * k**2 * xt[:, 1])
        return (
            2 * kappa * k * decay * torch.sin(k * xt[:, 0]) / (2 + decay * torch.cos(k * xt[:, 0]))
        )

    return field


@pytest.mark.parametrize("implementation", [reference, solution], ids=["reference", "solution"])
@pytest.mark.parametrize(
    ("name", "field", "nu"),
    [("u = x/(t+1)", rational, 0.01), ("Cole-Hopf", cole_hopf(1.0, 2.3), 1.0)],
)
def test_exact_solution_with_matching_data_has_loss_below_bound(implementation, name, field, nu):
    xt_f = points_box(40, seed=59)
    xt_b, _ = boundary_points(10, seed=60)
    u_b = field(xt_b)
    loss = implementation.pinn_loss(field, xt_f, xt_b, u_b, nu=nu)
    assert 0 <= float(loss.detach()) <= EXACT_LOSS_BOUND, name


def test_reference_gradient_reaches_every_parameter_and_matches_finite_differences() -> None:
    mlp = TanhMLP([2, 10, 10, 1], seed=61)
    xt_f = points_box(12, seed=62)
    xt_b, u_b = boundary_points(3, seed=63)
    params = list(mlp.parameters())
    loss = reference.pinn_loss(mlp, xt_f, xt_b, u_b, nu=0.1, w_b=2.0)
    grads = torch.autograd.grad(loss, params)
    assert all(bool(torch.isfinite(g).all()) and float(g.abs().sum()) > 0 for g in grads)
    generator = torch.Generator().manual_seed(64)
    direction = [torch.randn(p.shape, generator=generator, dtype=p.dtype) for p in params]
    directional = sum((g * d).sum() for g, d in zip(grads, direction, strict=True))

    def shifted(step: float) -> float:
        with torch.no_grad():
            for p, d in zip(params, direction, strict=True):
                p.add_(step * d)
        value = float(reference.pinn_loss(mlp, xt_f, xt_b, u_b, nu=0.1, w_b=2.0).detach())
        with torch.no_grad():
            for p, d in zip(params, direction, strict=True):
                p.sub_(step * d)
        return value

    eps = 1e-6
    fd = (shifted(eps) - shifted(-eps)) / (2 * eps)
    assert float(directional) == pytest.approx(fd, rel=1e-6)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("flat", [False, True], ids=["(N,1) output", "(N,) output"])
def test_solution_matches_reference(dtype: torch.dtype, flat: bool) -> None:
    mlp = TanhMLP([2, 12, 1], seed=65)
    xt_f = points_box(14, seed=66)
    xt_b, u_b = boundary_points(3, seed=67)
    expected = reference.pinn_loss(mlp, xt_f, xt_b, u_b, nu=0.05, w_b=1.5)
    expected_grads = torch.autograd.grad(expected, list(mlp.parameters()))
    student = TanhMLP([2, 12, 1], seed=65).to(dtype)
    u_fn = (lambda xt: student(xt)[:, 0]) if flat else student
    loss = solution.pinn_loss(u_fn, xt_f.to(dtype), xt_b.to(dtype), u_b.to(dtype), 0.05, 1.5)
    assert loss.shape == () and loss.dtype == dtype
    rtol = 1e-10 if dtype == torch.float64 else 1e-4
    torch.testing.assert_close(loss.detach().double(), expected.detach(), rtol=rtol, atol=0)
    grads = torch.autograd.grad(loss, list(student.parameters()))
    for grad, expected_grad in zip(grads, expected_grads, strict=True):
        scale = float(expected_grad.abs().max())
        torch.testing.assert_close(grad.double(), expected_grad, rtol=rtol, atol=rtol * scale)
