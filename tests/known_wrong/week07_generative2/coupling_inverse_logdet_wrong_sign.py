"""Returns the forward log-det from inverse: logdet_inv has the wrong sign."""

import torch
from torch import nn

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "half mask, float32",
    "message": r"inverse logdet_inv: \d+/4 entries differ.*hint: the inverse's log-det is logdet_inv = -sum",
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
        x = z * m + (1 - m) * (z * torch.exp(s) + t)
        return x, ((1 - m) * s).sum(dim=-1)

    def inverse(self, x):
        m = self.mask.to(dtype=x.dtype, device=x.device)
        s = self.s_net(x * m) * (1 - m)
        t = self.t_net(x * m) * (1 - m)
        z = x * m + (1 - m) * (x - t) * torch.exp(-s)
        return z, ((1 - m) * s).sum(dim=-1)
