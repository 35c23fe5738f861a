"""Differentiates without a guard: for u = 2x + 1 the derivative u_x = 2 has no graph, and
torch.autograd.grad raises instead of returning u_xx = 0."""

import torch

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "u = 2x + 1 gives 2(2x + 1), float64",
    "message": r"raised RuntimeError: element 0 of tensors does not require grad",
}


def burgers_residual(u_fn, xt, nu=0.01):
    points = xt.detach().clone().requires_grad_(True)
    u = u_fn(points).reshape(-1)
    (grad_u,) = torch.autograd.grad(u.sum(), points, create_graph=True)
    u_x, u_t = grad_u[:, 0], grad_u[:, 1]
    (grad_u_x,) = torch.autograd.grad(u_x.sum(), points, create_graph=True)
    u_xx = grad_u_x[:, 0]
    return u_t + u * u_x - (nu / torch.pi) * u_xx
