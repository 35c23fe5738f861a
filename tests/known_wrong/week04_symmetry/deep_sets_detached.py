"""Pools under torch.no_grad(): neither phi nor rho can be trained."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.deep_sets",
    "check": "padded sets of up to 5 elements, float64, gradients",
    "message": r"not connected to the autograd graph",
}


def deep_sets(x, mask, phi, rho):
    with torch.no_grad():
        features = phi(x)
        if mask is not None:
            features = torch.where(mask[..., None], features, torch.zeros_like(features))
        return rho(features.sum(dim=1))
