"""Keeps the graph of u_x but not of u_xx (retain_graph=True only, to silence "backward through the
graph a second time"): the values are right, the parameter gradient misses the viscous term."""

import torch

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,1) output, float64",
    "message": r"gradient w\.r\.t\. u_fn\.\w+: \d+/\d+ entries differ.*hint: the residual is right "
    r"but its gradient w\.r\.t\. the parameters",
}


def burgers_residual(u_fn, xt, nu=0.01):
    points = xt.detach().clone().requires_grad_(True)
    u = u_fn(points).reshape(-1)
    if not u.requires_grad:
        return torch.zeros_like(u)
    (grad_u,) = torch.autograd.grad(u.sum(), points, create_graph=True, allow_unused=True)
    if grad_u is None:
        grad_u = torch.zeros_like(points)
    u_x, u_t = grad_u[:, 0], grad_u[:, 1]
    u_xx = torch.zeros_like(u_x)
    if u_x.requires_grad:
        (grad_u_x,) = torch.autograd.grad(u_x.sum(), points, retain_graph=True, allow_unused=True)
        if grad_u_x is not None:
            u_xx = grad_u_x[:, 0]
    return u_t + u * u_x - (nu / torch.pi) * u_xx
