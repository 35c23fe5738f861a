"""Sums g over every ordered pair i != j and forgets to halve: each pair counts twice."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.invariant_energy",
    "check": "random 3-D configurations, float64",
    "message": r"entries differ from the reference.*hint: each pair is counted twice",
}


def invariant_energy(x, pair_mlp):
    n = x.shape[1]
    off_diagonal = ~torch.eye(n, dtype=torch.bool, device=x.device)
    squared_distances = (x[:, :, None] - x[:, None, :]).square().sum(dim=-1)
    return pair_mlp(squared_distances[:, off_diagonal][..., None])[..., 0].sum(dim=-1)
