"""Collects the pair terms in a list and stacks it: one particle has no pairs and stack fails."""

import torch

EXPECT = {
    "exercise": "week01_practices.coulomb_energy",
    "check": "one particle: no pairs, float64",
    "message": r"raised RuntimeError.*hint: with one particle there are no pairs",
}


def coulomb_energy(x):
    n = x.shape[1]
    terms = [1 / (x[:, i] - x[:, j]).norm(dim=-1) for i in range(n) for j in range(i + 1, n)]
    return torch.stack(terms, dim=1).sum(dim=1) + x.square().sum(dim=(1, 2))
