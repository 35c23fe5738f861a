"""Zeroes the padded inputs instead of their features: each padded row still adds phi(0)."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.deep_sets",
    "check": "padding invariance, float64, junk rows appended change nothing",
    "message": r"appending masked junk rows must change nothing",
}


def deep_sets(x, mask, phi, rho):
    if mask is not None:
        x = torch.where(mask[..., None], x, torch.zeros_like(x))
    return rho(phi(x).sum(dim=1))
