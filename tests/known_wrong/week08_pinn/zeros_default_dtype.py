"""Returns torch.zeros(n) for a field without a graph: float32 on the CPU whatever xt is."""

import torch

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "constant u, (N,1), no graph, float64",
    "message": r"output: expected dtype float64 \(the input's\), got float32",
}


def burgers_residual(u_fn, xt, nu=0.01):
    points = xt.detach().clone().requires_grad_(True)
    u = u_fn(points).reshape(-1)
    if not u.requires_grad:  # constant field: every derivative vanishes
        return torch.zeros(xt.shape[0])

    def gradient(f):
        if not f.requires_grad:
            return torch.zeros_like(points)
        (g,) = torch.autograd.grad(f.sum(), points, create_graph=True, allow_unused=True)
        return torch.zeros_like(points) if g is None else g

    grad_u = gradient(u)
    u_x, u_t = grad_u[:, 0], grad_u[:, 1]
    u_xx = gradient(u_x)[:, 0]
    return u_t + u * u_x - (nu / torch.pi) * u_xx
