# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Week 8: Physics-informed neural networks
# A physics-informed neural network (PINN) learns a field `u(x, t)` by penalizing the residual
# of the PDE it must obey at collocation points. This week you implement that residual for the
# viscous Burgers equation `u_t + u u_x = (nu/pi) u_xx`, the physics term of the Burgers PINN.
#
# Conventions: a batch of space-time points is a tensor `xt` of shape `(N, 2)` with
# `xt[:, 0] = x` and `xt[:, 1] = t`; derivatives are taken with `torch.autograd.grad`, never with
# finite differences. Outputs keep the dtype and device of `xt`, and inputs are never modified
# in place.
#
# Check your work with `ml4p check week08`.

# %%
"""Week 8 exercises: physics-informed neural networks."""

from __future__ import annotations

from collections.abc import Callable

import torch

# %% [markdown]
# ## Burgers residual
# A PINN for Burgers' equation trains `u_theta(x, t)` so that the residual
# `r = u_t + u u_x - (nu/pi) u_xx` vanishes at collocation points. The residual is built from
# first and second derivatives of the network output with respect to its *inputs*, and the
# training loss `mean(r^2)` must still be differentiable with respect to the network
# *parameters*: the graph of the derivatives itself has to be kept (`create_graph=True`).


# %%
def burgers_residual(
    u_fn: Callable[[torch.Tensor], torch.Tensor], xt: torch.Tensor, nu: float = 0.01
) -> torch.Tensor:
    r"""Compute the viscous Burgers residual of the field ``u_fn`` at the points ``xt``.

    Exercise ``week08_pinn.burgers_residual``.

    Math:
        r = u_t + u * u_x - (nu / pi) * u_xx,   with u = u_fn(xt), x = xt[:, 0], t = xt[:, 1].
        (nu / pi with nu = 0.01 is the viscosity 0.01/pi of the classic Burgers benchmark.)
    Args:
        u_fn: the field, e.g. an ``nn.Module``; maps points of shape ``(M, 2)`` to values of
            shape ``(M,)`` or ``(M, 1)`` (handle both), row by row: row i of the output depends
            only on row i of the input. It may ignore x, t or both (constant u, ``u = 2x + 1``).
            Evaluate it only at the rows of ``xt`` (the grader records every point it is
            called at: finite differences are detected).
        xt: collocation points, shape ``(N, 2)`` with ``N >= 1``, float32 or float64, any
            device, with or without ``requires_grad``.
        nu: viscosity parameter (the equation uses nu / pi).
    Returns:
        Tensor ``r`` of shape ``(N,)``, same dtype and device as ``xt``. ``r`` must be
        differentiable with respect to the parameters of ``u_fn`` (a loss ``mean(r**2)`` is
        trained with it), so keep the graph of the derivatives (``create_graph=True``).
    Numerics:
        For an exact solution of Burgers' equation ``r`` vanishes up to rounding:
        ``|r| / (|u_t| + |u u_x| + (nu/pi) |u_xx|) <= 1e-12`` in float64 and ``1e-5`` in float32
        (checked on ``u = x/(t+1)``, a viscous shock and a Cole-Hopf solution).
        A derivative that does not depend on the inputs (u constant, or u_x constant for
        ``u = 2x + 1``) is zero and must not raise ("element 0 of tensors does not require
        grad", or a ``None`` gradient): return the analytic values (r = 0 for constant u,
        r = 2(2x + 1) for u = 2x + 1).
        An output of shape ``(N, 1)`` must not broadcast against ``(N,)`` into ``(N, N)``.
    Allowed: ``torch.autograd.grad`` (with ``create_graph``, ``allow_unused``), elementwise
        torch ops, indexing, ``reshape``, ``torch.zeros_like``.
    Forbidden: finite differences (evaluating ``u_fn`` at shifted points, ``torch.gradient``),
        ``torch.autograd.functional`` (``jacobian``, ``hessian``, ...), ``torch.func`` and
        ``functorch`` (``jacrev``, ``jacfwd``, ``hessian``, ``vmap``, ...), ``Tensor.backward``
        and ``torch.autograd.backward`` (they write into the parameters' ``.grad``).
    Inputs are never modified in place, and that includes the ``requires_grad`` flag of
    ``xt``: differentiate with respect to ``xt.detach().clone()`` with ``requires_grad_()``
    switched on, never with respect to ``xt`` itself.
    """
    ### BEGIN SOLUTION
    points = xt.detach().clone().requires_grad_(True)
    u = u_fn(points).reshape(points.shape[0])

    def grad_wrt_points(f: torch.Tensor) -> torch.Tensor:
        """Row-wise gradient of f (N,) w.r.t. the points, zeros where f does not depend on them."""
        if not f.requires_grad:
            return torch.zeros_like(points)
        (grad,) = torch.autograd.grad(f.sum(), points, create_graph=True, allow_unused=True)
        return torch.zeros_like(points) if grad is None else grad

    grad_u = grad_wrt_points(u)
    u_x, u_t = grad_u[:, 0], grad_u[:, 1]
    u_xx = grad_wrt_points(u_x)[:, 0]
    return u_t + u * u_x - (nu / torch.pi) * u_xx
    ### END SOLUTION


# %% [markdown]
# ## PINN loss
# The physics-informed loss of the Burgers PINN adds two mean squared errors: the misfit of the
# network to the initial and boundary data, weighted by `w_b`, and the PDE residual at the
# collocation points. Both are *means* over their own points, so that the balance between data
# and physics does not change with the number of points sampled for each.


# %%
def pinn_loss(
    u_fn: Callable[[torch.Tensor], torch.Tensor],
    xt_f: torch.Tensor,
    xt_b: torch.Tensor,
    u_b: torch.Tensor,
    nu: float = 0.01,
    w_b: float = 5.0,
) -> torch.Tensor:
    r"""The physics-informed loss of the Burgers PINN: boundary misfit plus PDE residual.

    Exercise ``week08_pinn.pinn_loss``.

    Math:
        L = w_b * mean_j (u(xt_b[j]) - u_b[j])^2  +  mean_i r(xt_f[i])^2,
        with r the Burgers residual ``burgers_residual(u_fn, xt_f, nu)``. Each mean is over its
        own points (N_b boundary points, N_f collocation points), never a sum and never one
        mean over all N_b + N_f points.
    Args:
        u_fn: the field, as in ``burgers_residual``: maps points ``(M, 2)`` to ``(M,)`` or
            ``(M, 1)`` (handle both).
        xt_f: collocation points, shape ``(N_f, 2)``, ``N_f >= 1``; columns x, t.
        xt_b: initial and boundary points, shape ``(N_b, 2)``, ``N_b >= 1``.
        u_b: the data at ``xt_b``, shape ``(N_b,)``.
        nu: viscosity parameter of the residual (the equation uses nu / pi).
        w_b: weight of the boundary term (5 as in the tutorial; 0 leaves the physics alone).
        All tensors share one dtype (float32 or float64) and device.
    Returns:
        A 0-dimensional tensor (shape ``()``), same dtype and device as ``xt_f``, differentiable
        with respect to every parameter of ``u_fn`` (through both terms).
    Numerics:
        For an exact solution of Burgers' equation whose values at ``xt_b`` are ``u_b`` the loss
        is zero up to rounding: ``L <= 1e-24`` in float64 (graded on ``u = x/(t+1)`` and a
        Cole-Hopf solution).
        An output of shape ``(N_b, 1)`` must not broadcast against ``u_b`` into ``(N_b, N_b)``.
    Properties the grader checks: the value and its gradient w.r.t. the parameters of ``u_fn``
        against the reference; one boundary point and one collocation point; ``w_b = 0``; the
        exact-solution bound above.
    Allowed: your ``burgers_residual``, ``torch.mean``, elementwise torch ops, ``reshape``.
    Forbidden: as in ``burgers_residual`` (finite differences, ``torch.autograd.functional``,
        ``torch.func``, ``functorch``, ``Tensor.backward``, ``torch.autograd.backward``).
    Do not modify inputs in place.
    """
    ### BEGIN SOLUTION
    residual = burgers_residual(u_fn, xt_f, nu=nu)
    u_at_boundary = u_fn(xt_b).reshape(xt_b.shape[0])
    boundary_misfit = torch.mean((u_at_boundary - u_b) ** 2)
    return w_b * boundary_misfit + torch.mean(residual**2)
    ### END SOLUTION
