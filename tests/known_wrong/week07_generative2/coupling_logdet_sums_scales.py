"""Sums the scales exp(s) instead of the log-scales s: not the log of the Jacobian determinant."""

import torch
from torch import nn

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "logdet vs autograd Jacobian, float64",
    "message": r"logdet = log\|det dx/dz\|: logdet\[\d\] = .* but log\|det dx/dz\| of your forward map",
}


class AffineCoupling(nn.Module):
    def __init__(self, mask, s_net, t_net):
        super().__init__()
        self.register_buffer("mask", mask.to(torch.bool))
        self.s_net = s_net
        self.t_net = t_net

    def forward(self, z):
        m = self.mask.to(dtype=z.dtype, device=z.device)
        s = self.s_net(z * m) * (1 - m)
        t = self.t_net(z * m) * (1 - m)
        scale = torch.exp(s)
        x = z * m + (1 - m) * (z * scale + t)
        return x, ((1 - m) * scale).sum(dim=-1)

    def inverse(self, x):
        m = self.mask.to(dtype=x.dtype, device=x.device)
        s = self.s_net(x * m) * (1 - m)
        t = self.t_net(x * m) * (1 - m)
        z = x * m + (1 - m) * (x - t) * torch.exp(-s)
        return z, -((1 - m) * torch.exp(s)).sum(dim=-1)
