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


def z2_symmetrize(
    f: Callable[[torch.Tensor], torch.Tensor],
) -> Callable[[torch.Tensor], torch.Tensor]:
    """Reference for week04_symmetry.z2_symmetrize: the mean of f over the two group elements,
    evaluated on one batch that stacks x and -x."""

    def symmetrized(x: torch.Tensor) -> torch.Tensor:
        images = torch.stack([x, torch.neg(x)])  # (2, B, ...)
        values = torch.stack([f(image) for image in images.unbind(0)])
        return values.mean(dim=0)

    return symmetrized


def _d4_matrices() -> list[torch.Tensor]:
    """The 8 integer matrices of D4 acting on lattice coordinates: R^k and R^k M, with R the
    rotation by 90 degrees and M a reflection."""
    rotation = torch.tensor([[0, -1], [1, 0]])
    reflection = torch.tensor([[1, 0], [0, -1]])
    powers = [torch.linalg.matrix_power(rotation, k) for k in range(4)]
    return powers + [power @ reflection for power in powers]


def lattice_orbit(s: torch.Tensor) -> torch.Tensor:
    """Reference for week04_symmetry.lattice_orbit: every group element as a map of the sites,
    p -> A p + t (mod L), applied by gathering the flattened configuration."""
    batch, size = s.shape[0], s.shape[-1]
    rows, columns = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    sites = torch.stack([rows.reshape(-1), columns.reshape(-1)])  # (2, L^2)
    sources = []
    for matrix in _d4_matrices():
        moved = matrix @ sites
        for dx in range(size):
            for dy in range(size):
                source = (moved + torch.tensor([[dx], [dy]])) % size
                sources.append(source[0] * size + source[1])
    index = torch.stack(sources).to(s.device)  # (8 L^2, L^2)
    flat = s.reshape(batch, size * size)
    return flat[:, index].reshape(batch, len(sources), size, size)


def group_average(f: Callable[[torch.Tensor], torch.Tensor], s: torch.Tensor) -> torch.Tensor:
    """Reference for week04_symmetry.group_average: f on the image of every group element in turn
    (the reference orbit), then the mean over the group."""
    orbit = lattice_orbit(s)
    return torch.stack([f(image) for image in orbit.unbind(1)]).mean(dim=0)


def deep_sets(
    x: torch.Tensor,
    mask: torch.Tensor | None,
    phi: Callable[[torch.Tensor], torch.Tensor],
    rho: Callable[[torch.Tensor], torch.Tensor],
) -> torch.Tensor:
    """Reference for week04_symmetry.deep_sets: phi on the present rows of each set only, summed
    set by set (an empty set sums to zeros), then rho on the stacked sums."""
    present = torch.ones(x.shape[:2], dtype=torch.bool) if mask is None else mask
    hidden = phi(x.new_zeros(1, x.shape[-1])).shape[-1]
    sums = [
        phi(elements[chosen]).sum(dim=0) if bool(chosen.any()) else x.new_zeros(hidden)
        for elements, chosen in zip(x.unbind(0), present.unbind(0), strict=True)
    ]
    return rho(torch.stack(sums))
