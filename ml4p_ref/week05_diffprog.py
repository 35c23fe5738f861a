"""Hidden reference for week 5: automatic differentiation, the Ising model, thermodynamics."""

from __future__ import annotations

import itertools

import torch

# ---------------------------------------------------------------------- automatic differentiation


# ------------------------------------------------------------------------------------ Ising model


def _log_matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The matrix product of exp(a) and exp(b), in the log domain (entries stay positive)."""
    return torch.logsumexp(a[:, :, None] + b[None, :, :], dim=1)


def _log_trace_power(log_matrix: torch.Tensor, power: int) -> torch.Tensor:
    """ln tr exp(log_matrix)^power by binary powering in the log domain: every term of the trace
    of a positive matrix is positive, so nothing cancels and nothing overflows."""
    result, square = None, log_matrix
    while power:
        if power & 1:
            result = square if result is None else _log_matmul(result, square)
        power >>= 1
        if power:
            square = _log_matmul(square, square)
    return torch.logsumexp(torch.diagonal(result), dim=0)


def ising1d_lnZ(beta, N, J=1.0, h=0.0):
    """Reference for week05_diffprog.ising1d_lnZ: ln tr T^N of the 2 x 2 transfer matrix, taken
    in the log domain (no eigenvalues)."""
    spin = torch.tensor([1.0, -1.0], dtype=beta.dtype, device=beta.device)
    log_transfer = beta * J * spin[:, None] * spin[None, :]
    log_transfer = log_transfer + beta * h * (spin[:, None] + spin[None, :]) / 2
    return _log_trace_power(log_transfer, N)


def _torus_bonds(rows: int, columns: int) -> list[tuple[int, int]]:
    """(site, neighbour) for the right and lower neighbour of every site of a rows x columns torus,
    sites numbered row by row; a side of length 2 (or 1) repeats its bonds, as the exercise says."""
    bonds = []
    for r, c in itertools.product(range(rows), range(columns)):
        site = r * columns + c
        bonds.append((site, r * columns + (c + 1) % columns))
        bonds.append((site, ((r + 1) % rows) * columns + c))
    return bonds


def _all_spins(count: int, dtype: torch.dtype) -> torch.Tensor:
    """Every configuration of ``count`` spins, shape ``(2^count, count)``, built one spin at a time:
    the states of n + 1 spins are those of n spins with the new spin up, then down."""
    states = torch.ones(1, 0, dtype=dtype)
    for _ in range(count):
        up = torch.cat([states, torch.ones(len(states), 1, dtype=dtype)], dim=1)
        states = torch.cat([up, up * torch.tensor([1.0] * (up.shape[1] - 1) + [-1.0], dtype=dtype)])
    return states


def ising2d_lnZ_enumerate(beta, L, J=1.0, h=0.0):
    """Reference for week05_diffprog.ising2d_lnZ_enumerate: every state from
    ``torch.cartesian_prod``, the energy from an explicit list of bonds."""
    spins = _all_spins(L * L, beta.dtype)
    first, second = (torch.tensor(side) for side in zip(*_torus_bonds(L, L), strict=True))
    bonds = (spins[:, first] * spins[:, second]).sum(dim=1)
    return torch.logsumexp(beta * J * bonds + beta * h * spins.sum(dim=1), dim=0)


def ising2d_lnZ_transfer(beta, Lx, Ly, J=1.0, h=0.0):
    """Reference for week05_diffprog.ising2d_lnZ_transfer: the column transfer matrix, unsplit
    (T_{cc'} = exp(V(c) + K c.c')), scaled by its largest entry and raised to the power Lx by
    ``torch.linalg.matrix_power`` (no eigenvalues; every term of the trace is positive)."""
    columns = _all_spins(Ly, beta.dtype)
    first, second = (torch.tensor(side) for side in zip(*_torus_bonds(Ly, 1)[1::2], strict=True))
    own = beta * J * (columns[:, first] * columns[:, second]).sum(dim=1)
    own = own + beta * h * columns.sum(dim=1)
    log_transfer = own[:, None] + beta * J * columns @ columns.T
    shift = log_transfer.max().detach()
    power = torch.linalg.matrix_power((log_transfer - shift).exp(), Lx)
    return Lx * shift + torch.diagonal(power).sum().log()


# ---------------------------------------------------------------------- thermodynamics and ground states
