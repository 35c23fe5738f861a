"""Central finite differences instead of autograd: u_fn is evaluated at shifted points, and the
derivatives are only accurate to O(h^2)."""

import torch

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,1) output, float64",
    "message": r"output: \d+/\d+ entries differ.*hint: u_fn was called at points that are not rows "
    r"of xt",
}


def burgers_residual(u_fn, xt, nu=0.01):
    h, n = 1e-4, xt.shape[0]
    dx, dt = xt.new_tensor([h, 0.0]), xt.new_tensor([0.0, h])
    u = u_fn(xt).reshape(n)
    u_xp, u_xm = u_fn(xt + dx).reshape(n), u_fn(xt - dx).reshape(n)
    u_t = (u_fn(xt + dt).reshape(n) - u_fn(xt - dt).reshape(n)) / (2 * h)
    u_x = (u_xp - u_xm) / (2 * h)
    u_xx = (u_xp - 2 * u + u_xm) / h**2
    return u_t + u * u_x - (nu / torch.pi) * u_xx
