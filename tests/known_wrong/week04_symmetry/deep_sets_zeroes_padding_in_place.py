"""Clears the padded rows of x in place before applying phi."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.deep_sets",
    "check": "inputs left unmodified",
    "message": r"modified its input\(s\) x in place",
}


def deep_sets(x, mask, phi, rho):
    if mask is None:
        return rho(phi(x).sum(dim=1))
    x.masked_fill_(~mask[..., None], 0.0)
    features = torch.where(mask[..., None], phi(x), torch.zeros((), dtype=x.dtype))
    return rho(features.sum(dim=1))
