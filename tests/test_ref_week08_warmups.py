"""Trust tests for the week 8 warm-ups: the cooling and heat residuals of the reference against
float64 central differences on random tanh networks, hand-derived residuals of simple fields, the
exact solutions (normalized residual, curriculum.md 2.5), parameter gradients against directional
finite differences, and agreement of the solution with the reference."""

from __future__ import annotations

import math

import pytest
import torch
from test_ref_week08_pinn import TanhMLP, points_box

from ml4p_ref import week08_pinn as reference
from solutions import week08_pinn as solution

pytestmark = pytest.mark.week08

IMPLEMENTATIONS = pytest.mark.parametrize(
    "implementation", [reference, solution], ids=["reference", "solution"]
)
DTYPES = [torch.float64, torch.float32]
NORMALIZED_RESIDUAL_BOUND = {torch.float64: 1e-12, torch.float32: 1e-5}
SOLUTION_RTOL = {torch.float64: 1e-10, torch.float32: 1e-4}


def grads_of(output: torch.Tensor, params: list[torch.Tensor]) -> list[torch.Tensor]:
    """Gradients of a scalar w.r.t. ``params``, zeros for those it does not depend on (the heat
    residual does not depend on the output bias)."""
    grads = torch.autograd.grad(output, params, allow_unused=True)
    return [torch.zeros_like(p) if g is None else g for g, p in zip(grads, params, strict=True)]


def times(n: int, seed: int, high: float = 3.0) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return high * torch.rand(n, generator=generator, dtype=torch.float64)


# ------------------------------------------------------------------ cooling
def cooling_by_differences(T_fn, t: torch.Tensor, k: float, T_env: float, h: float = 1e-4):
    def temperature(at: torch.Tensor) -> torch.Tensor:
        return T_fn(at.reshape(-1, 1)).reshape(-1)

    with torch.no_grad():
        slope = (temperature(t + h) - temperature(t - h)) / (2 * h)
        return slope + k * (temperature(t) - T_env)


@pytest.mark.parametrize("seed", [0, 1])
def test_cooling_reference_matches_central_differences(seed: int) -> None:
    net = TanhMLP([1, 12, 12, 1], seed=70 + seed)
    t = times(20, seed=72 + seed)
    residual = reference.cooling_residual(net, t, 0.7, 20.0)
    expected = cooling_by_differences(net, t, 0.7, 20.0)
    scale = float(expected.detach().abs().max())
    torch.testing.assert_close(residual.detach(), expected, rtol=1e-6, atol=1e-6 * scale)


@IMPLEMENTATIONS
def test_cooling_analytic_fields(implementation) -> None:
    t = times(9, seed=74)
    k, t_env = 0.4, 20.0
    square = implementation.cooling_residual(lambda s: s**2, t, k, t_env)
    torch.testing.assert_close(square, 2 * t + k * (t**2 - t_env), rtol=1e-12, atol=1e-12)
    constant = implementation.cooling_residual(
        lambda s: torch.full_like(s[:, 0], 55.0), t, k, t_env
    )
    torch.testing.assert_close(constant, torch.full_like(t, k * 35.0), rtol=1e-14, atol=0)


@IMPLEMENTATIONS
@pytest.mark.parametrize("dtype", DTYPES)
def test_cooling_exact_solution_vanishes(implementation, dtype: torch.dtype) -> None:
    k, t_env, t0 = 1.3, 20.0, 90.0
    t = times(30, seed=75, high=1.0)

    def exact(s: torch.Tensor) -> torch.Tensor:
        return t_env + (t0 - t_env) * torch.exp(-k * s)

    residual = implementation.cooling_residual(exact, t.to(dtype), k, t_env)
    assert residual.shape == (30,) and residual.dtype == dtype
    decay = (t0 - t_env) * torch.exp(-k * t)
    scale = k * decay.abs() + k * decay.abs()  # |dT/dt| + k |T - T_env|
    assert (
        float((residual.detach().double().abs() / scale).max()) <= NORMALIZED_RESIDUAL_BOUND[dtype]
    )


def test_cooling_reference_parameter_gradient_matches_finite_differences() -> None:
    net = TanhMLP([1, 8, 8, 1], seed=76)
    t = times(11, seed=77)
    params = list(net.parameters())
    cotangent = torch.randn(11, generator=torch.Generator().manual_seed(78), dtype=torch.float64)

    def weighted() -> torch.Tensor:
        return (reference.cooling_residual(net, t, 0.5, 20.0) * cotangent).sum()

    grads = torch.autograd.grad(weighted(), params)
    assert all(float(g.abs().sum()) > 0 for g in grads)
    direction = [torch.randn_like(p) for p in params]
    directional = float(sum((g * d).sum() for g, d in zip(grads, direction, strict=True)))
    eps, values = 1e-6, []
    for step in (eps, -2 * eps, eps):
        with torch.no_grad():
            for p, d in zip(params, direction, strict=True):
                p.add_(step * d)
        values.append(float(weighted().detach()))
    assert directional == pytest.approx((values[0] - values[1]) / (2 * eps), rel=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("flat", [False, True], ids=["(N,1) output", "(N,) output"])
def test_cooling_solution_matches_reference(dtype: torch.dtype, flat: bool) -> None:
    net = TanhMLP([1, 10, 1], seed=79)
    t = times(13, seed=80)
    expected = reference.cooling_residual(net, t, 0.9, 20.0)
    cotangent = torch.randn(13, generator=torch.Generator().manual_seed(81), dtype=torch.float64)
    expected_grads = grads_of((expected * cotangent).sum(), list(net.parameters()))
    student = TanhMLP([1, 10, 1], seed=79).to(dtype)
    T_fn = (lambda s: student(s)[:, 0]) if flat else student
    before = t.to(dtype)
    residual = solution.cooling_residual(T_fn, before, 0.9, 20.0)
    assert residual.shape == (13,) and residual.dtype == dtype and not before.requires_grad
    rtol = SOLUTION_RTOL[dtype]
    scale = 1 + float(expected.detach().abs().max())
    torch.testing.assert_close(
        residual.detach().double(), expected.detach(), rtol=rtol, atol=rtol * scale
    )
    grads = grads_of((residual * cotangent.to(dtype)).sum(), list(student.parameters()))
    for grad, expected_grad in zip(grads, expected_grads, strict=True):
        grad_scale = 1 + float(expected_grad.abs().max())
        torch.testing.assert_close(grad.double(), expected_grad, rtol=rtol, atol=rtol * grad_scale)


# ------------------------------------------------------------------ heat
def heat_by_differences(u_fn, xt: torch.Tensor, kappa: float, h: float = 1e-4) -> torch.Tensor:
    dx, dt = xt.new_tensor([h, 0.0]), xt.new_tensor([0.0, h])

    def u(at: torch.Tensor) -> torch.Tensor:
        return u_fn(at).reshape(-1)

    with torch.no_grad():
        u_t = (u(xt + dt) - u(xt - dt)) / (2 * h)
        u_xx = (u(xt + dx) - 2 * u(xt) + u(xt - dx)) / h**2
        return u_t - kappa * u_xx


@pytest.mark.parametrize(("seed", "kappa"), [(0, 0.1), (1, 0.7)])
def test_heat_reference_matches_central_differences(seed: int, kappa: float) -> None:
    net = TanhMLP([2, 16, 16, 1], seed=82 + seed)
    xt = points_box(25, seed=84 + seed)
    residual = reference.heat_residual(net, xt, kappa=kappa)
    expected = heat_by_differences(net, xt, kappa)
    scale = float(expected.detach().abs().max())
    torch.testing.assert_close(residual.detach(), expected, rtol=1e-6, atol=1e-6 * scale)


@IMPLEMENTATIONS
def test_heat_analytic_fields(implementation) -> None:
    xt = points_box(10, seed=86)
    kappa = 0.25
    square = implementation.heat_residual(lambda p: p[:, :1] ** 2, xt, kappa=kappa)
    torch.testing.assert_close(square, torch.full((10,), -2 * kappa, dtype=torch.float64))
    affine = implementation.heat_residual(lambda p: 3 * p[:, 0] - 1, xt, kappa=kappa)
    torch.testing.assert_close(affine, torch.zeros(10, dtype=torch.float64), rtol=0, atol=0)
    in_time = implementation.heat_residual(lambda p: p[:, 1] ** 2, xt)
    torch.testing.assert_close(in_time, 2 * xt[:, 1], rtol=1e-14, atol=0)


@IMPLEMENTATIONS
@pytest.mark.parametrize("dtype", DTYPES)
def test_heat_exact_solution_vanishes(implementation, dtype: torch.dtype) -> None:
    kappa = 0.3
    xt = points_box(40, seed=87)

    def exact(p: torch.Tensor) -> torch.Tensor:
        return torch.exp(-kappa * math.pi**2 * p[:, 1]) * torch.sin(math.pi * p[:, 0])

    residual = implementation.heat_residual(exact, xt.to(dtype), kappa=kappa)
    assert residual.shape == (40,) and residual.dtype == dtype
    u = exact(xt)
    scale = 2 * kappa * math.pi**2 * u.abs()  # |u_t| + kappa |u_xx|
    assert (
        float((residual.detach().double().abs() / scale).max()) <= NORMALIZED_RESIDUAL_BOUND[dtype]
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("flat", [False, True], ids=["(N,1) output", "(N,) output"])
def test_heat_solution_matches_reference(dtype: torch.dtype, flat: bool) -> None:
    net = TanhMLP([2, 12, 12, 1], seed=88)
    xt = points_box(14, seed=89)
    expected = reference.heat_residual(net, xt, kappa=0.05)
    cotangent = torch.randn(14, generator=torch.Generator().manual_seed(90), dtype=torch.float64)
    expected_grads = grads_of((expected * cotangent).sum(), list(net.parameters()))
    student = TanhMLP([2, 12, 12, 1], seed=88).to(dtype)
    u_fn = (lambda p: student(p)[:, 0]) if flat else student
    points = xt.to(dtype)
    residual = solution.heat_residual(u_fn, points, kappa=0.05)
    assert residual.shape == (14,) and residual.dtype == dtype and not points.requires_grad
    rtol = SOLUTION_RTOL[dtype]
    scale = 1 + float(expected.detach().abs().max())
    torch.testing.assert_close(
        residual.detach().double(), expected.detach(), rtol=rtol, atol=rtol * scale
    )
    grads = grads_of((residual * cotangent.to(dtype)).sum(), list(student.parameters()))
    for grad, expected_grad in zip(grads, expected_grads, strict=True):
        grad_scale = 1 + float(expected_grad.abs().max())
        torch.testing.assert_close(grad.double(), expected_grad, rtol=rtol, atol=rtol * grad_scale)
