"""Hidden reference for week 5: automatic differentiation, the Ising model, thermodynamics."""

from __future__ import annotations

from collections.abc import Callable

import torch

# ---------------------------------------------------------------------- automatic differentiation


# ------------------------------------------------------------------------------------ Ising model


# ---------------------------------------------------------------------- thermodynamics and ground states


def thermodynamics(
    lnZ_fn: Callable[[torch.Tensor], torch.Tensor], beta: torch.Tensor, n_sites: int
) -> dict[str, torch.Tensor]:
    """Reference for week05_diffprog.thermodynamics: the first and second derivatives of ln Z by
    ``torch.func.grad`` (forward transforms, not ``torch.autograd.grad`` with create_graph)."""
    first = torch.func.grad(lnZ_fn)
    second = torch.func.grad(first)
    beta = beta.detach()
    ln_z = lnZ_fn(beta)
    energy = -first(beta) / n_sites
    return {
        "f": -ln_z / (beta * n_sites),
        "e": energy,
        "c": beta * beta * second(beta) / n_sites,
        "s": ln_z / n_sites + beta * energy,
    }


class GroundState:
    """Reference for week05_diffprog.GroundState: autograd through ``torch.linalg.eigh`` of the
    symmetrized matrix (whose gradient is the symmetrized gradient of eigh's own backward)."""

    @staticmethod
    def apply(A: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        eigenvalues, eigenvectors = torch.linalg.eigh((A + A.mT) / 2)
        return eigenvalues[0], eigenvectors[:, 0]
