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


def egnn_layer(
    x: torch.Tensor,
    h: torch.Tensor,
    phi_e: Callable[[torch.Tensor], torch.Tensor],
    phi_x: Callable[[torch.Tensor], torch.Tensor],
    phi_h: Callable[[torch.Tensor], torch.Tensor],
) -> tuple[torch.Tensor, torch.Tensor]:
    """Reference for week04_symmetry.egnn_layer: one particle i and one partner j != i at a time
    (the formulas of ml4p's ``egnn.py``), for any leading batch dims."""
    n = x.shape[-2]
    new_positions, new_features = [], []
    for i in range(n):
        shift = torch.zeros_like(x[..., i, :])
        message_sum = None
        for j in range(n):
            if j == i:
                continue
            difference = x[..., i, :] - x[..., j, :]
            squared = (difference * difference).sum(dim=-1, keepdim=True)
            message = phi_e(torch.cat([h[..., i, :], h[..., j, :], squared], dim=-1))
            shift = shift + difference * phi_x(message)
            message_sum = message if message_sum is None else message_sum + message
        new_positions.append(x[..., i, :] + shift / (n - 1))
        new_features.append(phi_h(torch.cat([h[..., i, :], message_sum], dim=-1)) + h[..., i, :])
    return torch.stack(new_positions, dim=-2), torch.stack(new_features, dim=-2)


# ------------------------------------------------------------------------------- averaging over a group
