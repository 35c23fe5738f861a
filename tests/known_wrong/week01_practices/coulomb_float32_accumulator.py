"""Sums into a torch.zeros buffer made without dtype: float64 energies are written into float32."""

import torch

EXPECT = {
    "exercise": "week01_practices.coulomb_energy",
    "message": r"add_ turns float64 values into float32; make it in the input's dtype: dtype=x\.dtype",
}


def coulomb_energy(x):
    n = x.shape[1]
    i, j = torch.triu_indices(n, n, offset=1, device=x.device)
    distances = torch.linalg.vector_norm(x[:, i] - x[:, j], dim=-1)
    energy = torch.zeros(x.shape[0], device=x.device)
    energy += (1 / distances).sum(dim=-1) + x.square().sum(dim=(-2, -1))
    return energy
