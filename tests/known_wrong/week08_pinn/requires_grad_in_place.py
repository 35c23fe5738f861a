"""Switches requires_grad on in the caller's xt instead of on a detached copy: the values of xt are
unchanged, its requires_grad flag is not."""

import torch

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,1) output, float64",
    "message": r"xt\.requires_grad unchanged by the call: 1/1 entries differ.*hint: "
    r"xt\.requires_grad was switched on in the caller's tensor",
}


def burgers_residual(u_fn, xt, nu=0.01):
    xt.requires_grad_(True)
    u = u_fn(xt).reshape(-1)

    def gradient(f):
        if not f.requires_grad:
            return torch.zeros_like(xt)
        (g,) = torch.autograd.grad(f.sum(), xt, create_graph=True, allow_unused=True)
        return torch.zeros_like(xt) if g is None else g

    grad_u = gradient(u)
    u_x, u_t = grad_u[:, 0], grad_u[:, 1]
    u_xx = gradient(u_x)[:, 0]
    return u_t + u * u_x - (nu / torch.pi) * u_xx
