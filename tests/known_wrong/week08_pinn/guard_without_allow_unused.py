"""Guards only against outputs without a graph: u = c (a parameter) has a graph but does not depend
on xt, and torch.autograd.grad without allow_unused=True raises."""

import torch

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "constant u = parameter c, float64",
    "message": r"raised RuntimeError: The differentiated Tensor at index 0 appears to not "
    r"have been used in the graph",
}


def burgers_residual(u_fn, xt, nu=0.01):
    points = xt.detach().clone().requires_grad_(True)
    u = u_fn(points).reshape(-1)

    def gradient(f):
        if not f.requires_grad:
            return torch.zeros_like(points)
        (g,) = torch.autograd.grad(f.sum(), points, create_graph=True)
        return g

    grad_u = gradient(u)
    u_x, u_t = grad_u[:, 0], grad_u[:, 1]
    u_xx = gradient(u_x)[:, 0]
    return u_t + u * u_x - (nu / torch.pi) * u_xx
