"""Indexes the mask without handling mask=None."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.deep_sets",
    "check": "full sets, mask None, float64",
    "message": r"raised TypeError.*hint: mask=None means that every row is present",
}


def deep_sets(x, mask, phi, rho):
    features = torch.where(mask[..., None], phi(x), torch.zeros(()))
    return rho(features.sum(dim=1))
