"""Hidden reference for week 8 (physics-informed networks); never shipped to students."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch.func import jacrev, vmap


def burgers_residual(
    u_fn: Callable[[torch.Tensor], torch.Tensor], xt: torch.Tensor, nu: float = 0.01
) -> torch.Tensor:
    """Reference for week08_pinn.burgers_residual: per-point torch.func gradient and Hessian.

    Each point goes through ``u_fn`` on its own (a batch of one, vmapped over the points), so the
    derivatives are exact per-point gradients and Hessians, taken reverse over reverse
    (``jacrev(jacrev)``: forward-mode AD warns on first use). They stay differentiable in the
    parameters of ``u_fn``. Like the exercise, the residual is not differentiated w.r.t. ``xt``.
    """
    points = xt.detach()

    def u_at(point: torch.Tensor) -> torch.Tensor:
        return u_fn(point.unsqueeze(0)).reshape(())

    u = vmap(u_at)(points)
    grad_u = vmap(jacrev(u_at))(points)
    hess_u = vmap(jacrev(jacrev(u_at)))(points)
    u_x, u_t, u_xx = grad_u[:, 0], grad_u[:, 1], hess_u[:, 0, 0]
    return u_t + u * u_x - (nu / math.pi) * u_xx


def pinn_loss(
    u_fn: Callable[[torch.Tensor], torch.Tensor],
    xt_f: torch.Tensor,
    xt_b: torch.Tensor,
    u_b: torch.Tensor,
    nu: float = 0.01,
    w_b: float = 5.0,
) -> torch.Tensor:
    """Reference for week08_pinn.pinn_loss: ``F.mse_loss`` of the data and of the reference
    residual against zero (each a mean over its own points)."""
    residual = burgers_residual(u_fn, xt_f, nu=nu)
    u_at_boundary = u_fn(xt_b).reshape(-1)
    data_term = torch.nn.functional.mse_loss(u_at_boundary, u_b, reduction="mean")
    physics_term = torch.nn.functional.mse_loss(residual, torch.zeros_like(residual))
    return w_b * data_term + physics_term


def burgers_boundary_data(
    n_bd: int, dtype: torch.dtype, device: str | torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """Reference for week08_pinn.burgers_boundary_data: the points written out one by one in
    Python floats (x_i = -1 + 2 i / (n_bd - 1), t_j = j / n_bd), then made a tensor."""
    step = 2.0 / (n_bd - 1) if n_bd > 1 else 0.0
    initial = [(-1.0 + step * i, 0.0) for i in range(n_bd)]
    left = [(-1.0, j / n_bd) for j in range(1, n_bd + 1)]
    right = [(1.0, j / n_bd) for j in range(1, n_bd + 1)]
    points = initial + left + right
    data = [-math.sin(math.pi * x) for x, _ in initial] + [0.0] * (2 * n_bd)
    xt_b = torch.tensor(points, dtype=dtype, device=device)
    return xt_b, torch.tensor(data, dtype=dtype, device=device)


def latin_hypercube(
    n: int,
    d: int,
    u: torch.Tensor,
    perm: torch.Tensor,
    low: float | torch.Tensor = 0.0,
    high: float | torch.Tensor = 1.0,
) -> torch.Tensor:
    """Reference for week08_pinn.latin_hypercube: stratum edges ``torch.linspace(low, high, n + 1)``
    per axis, each point placed between the edges of its stratum by ``torch.lerp``."""
    low_j = torch.as_tensor(low, dtype=u.dtype, device=u.device).expand(d)
    high_j = torch.as_tensor(high, dtype=u.dtype, device=u.device).expand(d)
    columns = []
    for j in range(d):
        edges = torch.linspace(0.0, 1.0, n + 1, dtype=u.dtype, device=u.device)
        stratum = perm[j]
        unit = torch.lerp(edges[stratum], edges[stratum + 1], u[:, j])
        columns.append(low_j[j] + (high_j[j] - low_j[j]) * unit)
    return torch.stack(columns, dim=1)


def cooling_residual(
    T_fn: Callable[[torch.Tensor], torch.Tensor], t: torch.Tensor, k: float, T_env: float
) -> torch.Tensor:
    """Reference for week08_pinn.cooling_residual: per-time ``torch.func`` derivative (vmapped
    ``jacrev`` of a batch of one), differentiable in the parameters of ``T_fn``."""
    times = t.detach()

    def temperature_at(time: torch.Tensor) -> torch.Tensor:
        return T_fn(time.reshape(1, 1)).reshape(())

    temperature = vmap(temperature_at)(times)
    dT_dt = vmap(jacrev(temperature_at))(times)
    return dT_dt + k * (temperature - T_env)


def heat_residual(
    u_fn: Callable[[torch.Tensor], torch.Tensor], xt: torch.Tensor, kappa: float = 0.1
) -> torch.Tensor:
    """Reference for week08_pinn.heat_residual: per-point ``torch.func`` gradient and Hessian."""
    points = xt.detach()

    def u_at(point: torch.Tensor) -> torch.Tensor:
        return u_fn(point.unsqueeze(0)).reshape(())

    u_t = vmap(jacrev(u_at))(points)[:, 1]
    u_xx = vmap(jacrev(jacrev(u_at)))(points)[:, 0, 0]
    return u_t - kappa * u_xx
