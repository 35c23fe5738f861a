"""Uses nu itself as the viscosity instead of nu / pi."""

import torch

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,1) output, float32",
    "message": r"output: \d+/\d+ entries differ.*hint: the viscosity is nu/pi",
}


def burgers_residual(u_fn, xt, nu=0.01):
    points = xt.detach().clone().requires_grad_(True)
    u = u_fn(points).reshape(-1)

    def gradient(f):
        if not f.requires_grad:
            return torch.zeros_like(points)
        (g,) = torch.autograd.grad(f.sum(), points, create_graph=True, allow_unused=True)
        return torch.zeros_like(points) if g is None else g

    grad_u = gradient(u)
    u_x, u_t = grad_u[:, 0], grad_u[:, 1]
    u_xx = gradient(u_x)[:, 0]
    return u_t + u * u_x - nu * u_xx
