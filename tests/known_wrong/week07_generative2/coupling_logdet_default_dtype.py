"""Accumulates the log-det with += into torch.zeros(B): float32 by default, whatever z's dtype."""

import torch

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "alternating mask, float64",
    "message": r"forward logdet: expected dtype float64 \(the input's\), got float32.*hint: keep "
    r"z's dtype",
    "replace": {
        "        logdet = ((1 - m) * s).sum(dim=-1)\n": "        logdet = _sum_moved(self.mask, s)\n",
        "        logdet_inv = -((1 - m) * s).sum(dim=-1)\n": (
            "        logdet_inv = -_sum_moved(self.mask, s)\n"
        ),
    },
}


def _sum_moved(mask, s):
    total = torch.zeros(s.shape[0], device=s.device)
    for i in range(s.shape[1]):
        if not mask[i]:
            total += s[:, i]
    return total
