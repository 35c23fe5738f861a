"""Accumulates the log-det with += into torch.zeros(B): float32 by default, whatever z's dtype."""

import torch
from torch import nn

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "alternating mask, float64",
    "message": r"forward logdet: expected dtype float64 \(the input's\), got float32",
}


class AffineCoupling(nn.Module):
    def __init__(self, mask, s_net, t_net):
        super().__init__()
        self.register_buffer("mask", mask.to(torch.bool))
        self.s_net = s_net
        self.t_net = t_net

    def _sum_moved(self, s):
        total = torch.zeros(s.shape[0], device=s.device)
        for i in range(s.shape[1]):
            if not self.mask[i]:
                total += s[:, i]
        return total

    def forward(self, z):
        m = self.mask.to(dtype=z.dtype, device=z.device)
        s = self.s_net(z * m) * (1 - m)
        t = self.t_net(z * m) * (1 - m)
        x = z * m + (1 - m) * (z * torch.exp(s) + t)
        return x, self._sum_moved(s)

    def inverse(self, x):
        m = self.mask.to(dtype=x.dtype, device=x.device)
        s = self.s_net(x * m) * (1 - m)
        t = self.t_net(x * m) * (1 - m)
        z = x * m + (1 - m) * (x - t) * torch.exp(-s)
        return z, -self._sum_moved(s)
