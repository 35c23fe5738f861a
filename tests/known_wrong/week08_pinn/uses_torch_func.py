"""Takes per-point gradients and Hessians with torch.func, which the exercise forbids."""

import torch
from torch.func import hessian, jacrev, vmap

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "forbidden APIs",
    "message": r"uses forbidden torch\.func",
    "status": "banned",
}


def burgers_residual(u_fn, xt, nu=0.01):
    def u_at(point):
        return u_fn(point.unsqueeze(0)).reshape(())

    points = xt.detach()
    u, grad_u = vmap(u_at)(points), vmap(jacrev(u_at))(points)
    u_xx = vmap(hessian(u_at))(points)[:, 0, 0]
    return grad_u[:, 1] + u * grad_u[:, 0] - (nu / torch.pi) * u_xx
