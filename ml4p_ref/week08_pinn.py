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
