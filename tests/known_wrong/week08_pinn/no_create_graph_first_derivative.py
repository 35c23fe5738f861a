"""Takes u_x with retain_graph=True but without create_graph: u_x has no graph, so the guard fills
u_xx with zeros and the viscous term disappears."""

import torch

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,1) output, float32",
    "message": r"output: \d+/\d+ entries differ.*hint: u_xx came out zero",
}


def burgers_residual(u_fn, xt, nu=0.01):
    points = xt.detach().clone().requires_grad_(True)
    u = u_fn(points).reshape(-1)

    def gradient(f, keep_graph):
        if not f.requires_grad:
            return torch.zeros_like(points)
        (g,) = torch.autograd.grad(
            f.sum(), points, create_graph=keep_graph, retain_graph=True, allow_unused=True
        )
        return torch.zeros_like(points) if g is None else g

    grad_u = gradient(u, keep_graph=False)
    u_x, u_t = grad_u[:, 0], grad_u[:, 1]
    u_xx = gradient(u_x, keep_graph=True)[:, 0]
    return u_t + u * u_x - (nu / torch.pi) * u_xx
