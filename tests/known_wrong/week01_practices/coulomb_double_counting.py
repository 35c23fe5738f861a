"""Sums 1/|x_i - x_j| over the full matrix without the diagonal, and forgets to halve it."""

import torch

EXPECT = {
    "exercise": "week01_practices.coulomb_energy",
    "check": "random 2-D configurations, float64",
    "message": r"entries differ from the reference.*hint: each pair is counted twice",
    "lesson": True,
}


def coulomb_energy(x):
    n = x.shape[1]
    distances = (x[:, :, None] - x[:, None, :]).norm(dim=-1)
    distances = distances + torch.eye(n, dtype=x.dtype, device=x.device)  # no 1/0
    off_diagonal = 1 - torch.eye(n, dtype=x.dtype, device=x.device)
    return (off_diagonal / distances).sum(dim=(1, 2)) + x.square().sum(dim=(1, 2))
