"""Gets the log-det from slogdet of an autograd Jacobian: right numbers, forbidden tools."""

import torch
from torch import nn

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "forbidden APIs",
    "message": r"uses forbidden torch\.autograd\.functional\.jacobian.*torch\.linalg\.slogdet",
    "status": "banned",
}


class AffineCoupling(nn.Module):
    def __init__(self, mask, s_net, t_net):
        super().__init__()
        self.register_buffer("mask", mask.to(torch.bool))
        self.s_net = s_net
        self.t_net = t_net

    def forward(self, z):
        m = self.mask.to(dtype=z.dtype, device=z.device)

        def transform(y):
            s = self.s_net(y * m) * (1 - m)
            t = self.t_net(y * m) * (1 - m)
            return y * m + (1 - m) * (y * torch.exp(s) + t)

        x = transform(z)
        logdet = []
        for sample in z:
            jac = torch.autograd.functional.jacobian(
                lambda v: transform(v[None])[0], sample, create_graph=True
            )
            logdet.append(torch.linalg.slogdet(jac).logabsdet)
        return x, torch.stack(logdet)

    def inverse(self, x):
        m = self.mask.to(dtype=x.dtype, device=x.device)
        s = self.s_net(x * m) * (1 - m)
        t = self.t_net(x * m) * (1 - m)
        z = x * m + (1 - m) * (x - t) * torch.exp(-s)
        return z, -((1 - m) * s).sum(dim=-1)
