"""Calls phi on the present rows only and adds their features into each set's sum, which the
docstring allows."""

import torch

EXPECT = {"exercise": "week04_symmetry.deep_sets"}


def deep_sets(x, mask, phi, rho):
    batch, size = x.shape[:2]
    present = torch.ones(batch, size, dtype=torch.bool, device=x.device) if mask is None else mask
    rows = torch.arange(batch, device=x.device)[:, None].expand(batch, size)[present]
    values = phi(x[present])
    pooled = values.new_zeros(batch, values.shape[-1]).index_add(0, rows, values)
    return rho(pooled)
