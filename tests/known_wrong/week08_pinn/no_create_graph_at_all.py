"""Calls torch.autograd.grad without create_graph: the first call frees the graph of u, so the
residual cannot be differentiated w.r.t. the network's parameters (a PINN loss cannot train)."""

import torch

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,) output, nu=0.05, float64",
    "message": r"raised RuntimeError: differentiating the residual w\.r\.t\. the parameters "
    r"of u_fn failed \(Trying to backward through the graph a second time",
}


def burgers_residual(u_fn, xt, nu=0.01):
    points = xt.detach().clone().requires_grad_(True)
    u = u_fn(points).reshape(-1)

    def gradient(f):
        if not f.requires_grad:
            return torch.zeros_like(points)
        (g,) = torch.autograd.grad(f.sum(), points, allow_unused=True)
        return torch.zeros_like(points) if g is None else g

    grad_u = gradient(u)
    u_x, u_t = grad_u[:, 0], grad_u[:, 1]
    u_xx = gradient(u_x)[:, 0]
    return u_t + u * u_x - (nu / torch.pi) * u_xx
