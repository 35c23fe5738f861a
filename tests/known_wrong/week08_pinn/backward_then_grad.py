"""Gets the derivatives from .backward() and points.grad, which also writes into the parameters'
.grad: Tensor.backward is forbidden."""

import torch

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "forbidden APIs",
    "message": r"uses forbidden torch\.Tensor\.backward \(line \d+\)",
    "status": "banned",
}


def burgers_residual(u_fn, xt, nu=0.01):
    points = xt.detach().clone().requires_grad_(True)
    u = u_fn(points).reshape(-1)
    u.sum().backward(create_graph=True)
    u_x, u_t = points.grad[:, 0].clone(), points.grad[:, 1].clone()
    points.grad = None
    u_x.sum().backward(create_graph=True)
    return u_t + u * u_x - (nu / torch.pi) * points.grad[:, 0]
