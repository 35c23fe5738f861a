"""Transforms every coordinate, then subtracts the change on the kept ones: not bit-exact there."""

import torch
from torch import nn

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "round trip and pass-through, float64",
    "message": r"masked coordinates pass through bit-exactly: forward\(z\)\[:, mask\] != z\[:, mask\]",
}


class AffineCoupling(nn.Module):
    def __init__(self, mask, s_net, t_net):
        super().__init__()
        self.register_buffer("mask", mask.to(torch.bool))
        self.s_net = s_net
        self.t_net = t_net

    def forward(self, z):
        m = self.mask.to(dtype=z.dtype, device=z.device)
        s = self.s_net(z * m)
        t = self.t_net(z * m)
        y = z * torch.exp(s) + t
        x = y - m * (y - z)
        return x, ((1 - m) * s).sum(dim=-1)

    def inverse(self, x):
        m = self.mask.to(dtype=x.dtype, device=x.device)
        s = self.s_net(x * m)
        t = self.t_net(x * m)
        y = (x - t) * torch.exp(-s)
        z = y - m * (y - x)
        return z, -((1 - m) * s).sum(dim=-1)
