"""Gets the derivatives from .backward() and points.grad, which also writes into the parameters'
.grad: Tensor.backward is forbidden."""

import torch

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "forbidden APIs",
    "message": r"uses forbidden torch\.Tensor\.backward \(line 17\)",
    "status": "banned",
}


def burgers_residual(u_fn, xt, nu=0.01):
    points = xt.detach().clone().requires_grad_(True)
    u = u_fn(points).reshape(-1)
    u.sum().backward(create_graph=True)
    grad_u = points.grad.clone()
    u_x, u_t = grad_u[:, 0], grad_u[:, 1]
    points.grad = None
    u_x.sum().backward(create_graph=True)
    u_xx = points.grad[:, 0]
    return u_t + u * u_x - (nu / torch.pi) * u_xx
