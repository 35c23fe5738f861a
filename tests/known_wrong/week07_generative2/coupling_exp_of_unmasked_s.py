"""Masks the output but takes exp of the raw s_net output: exp overflows where mask is True."""

import torch
from torch import nn

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "s_net huge on the kept coordinates, float32",
    "message": r"forward x: \d+/24 entries are nan where the reference is finite.*hint: s = s_net\(z \* m\) \* \(1 - m\)",
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
        x = z * m + (1 - m) * (z * torch.exp(s) + t)
        return x, ((1 - m) * s).sum(dim=-1)

    def inverse(self, x):
        m = self.mask.to(dtype=x.dtype, device=x.device)
        s = self.s_net(x * m)
        t = self.t_net(x * m)
        z = x * m + (1 - m) * (x - t) * torch.exp(-s)
        return z, -((1 - m) * s).sum(dim=-1)
