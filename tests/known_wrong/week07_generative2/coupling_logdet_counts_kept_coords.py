"""Never multiplies the net outputs by (1 - m): logdet also sums s over the kept coordinates."""

import torch
from torch import nn

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "alternating mask, float64",
    "message": r"forward logdet: \d+/5 entries differ.*hint: logdet sums s over the transformed coordinates only",
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
        return x, s.sum(dim=-1)

    def inverse(self, x):
        m = self.mask.to(dtype=x.dtype, device=x.device)
        s = self.s_net(x * m)
        t = self.t_net(x * m)
        z = x * m + (1 - m) * (x - t) * torch.exp(-s)
        return z, -s.sum(dim=-1)
