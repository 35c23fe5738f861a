"""Keeps phi of the first row where it meant to pool: the output depends on the order of the rows."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.deep_sets",
    "check": "permutation invariance, float64, permuting the rows changes nothing",
    "message": r"permuting the rows of the sets must change nothing",
}


def deep_sets(x, mask, phi, rho):
    features = phi(x)
    if mask is not None:
        features = torch.where(mask[..., None], features, torch.zeros_like(features))
    return rho(features[:, 0] * x.shape[1])
