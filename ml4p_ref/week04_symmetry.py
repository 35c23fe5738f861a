"""Hidden reference for week 4: symmetry built into the architecture, and averaging over a group."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import torch

# ---------------------------------------------------------------------- built into the architecture


def invariant_energy(
    x: torch.Tensor, pair_mlp: Callable[[torch.Tensor], torch.Tensor]
) -> torch.Tensor:
    """Reference for week04_symmetry.invariant_energy: one pair (i < j) at a time, from
    ``itertools.combinations``; the squared distance as a dot product of the difference."""
    energy = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
    for i, j in itertools.combinations(range(x.shape[1]), 2):
        difference = x[:, i] - x[:, j]
        squared = (difference * difference).sum(dim=-1, keepdim=True)
        energy = energy + pair_mlp(squared)[:, 0]
    return energy


def forces(x: torch.Tensor, energy_fn: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """Reference for week04_symmetry.forces: ``torch.func.grad`` of each configuration's energy,
    vectorized over the batch (differentiable w.r.t. the tensors ``energy_fn`` closes over)."""

    def energy_of_one(configuration: torch.Tensor) -> torch.Tensor:
        return energy_fn(configuration[None])[0]

    return -torch.func.vmap(torch.func.grad(energy_of_one))(x)


def slater_logdet(
    orbital_fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Reference for week04_symmetry.slater_logdet: ``torch.linalg.slogdet`` of the matrices
    ``M[b, i, j] = phi_j(x[b, i])``, built one particle at a time."""
    rows = [orbital_fn(x[:, i]) for i in range(x.shape[1])]
    sign, logabs = torch.linalg.slogdet(torch.stack(rows, dim=1))
    return sign, logabs


# ------------------------------------------------------------------------------- averaging over a group
