"""Hidden reference for week 1: torch's own softmax, log-sum-exp and cross-entropies; the Coulomb
energy from ``F.pdist``; the Metropolis step with the decision as a 0/1 weight."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F


def softmax(z: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Reference for week01_practices.softmax: ``torch.softmax``."""
    return torch.softmax(z, dim=dim)


def logsumexp(z: torch.Tensor, dim: int = -1, keepdim: bool = False) -> torch.Tensor:
    """Reference for week01_practices.logsumexp: ``torch.logsumexp``."""
    return torch.logsumexp(z, dim=dim, keepdim=keepdim)


def log_softmax(z: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Reference for week01_practices.log_softmax: ``torch.log_softmax``."""
    return torch.log_softmax(z, dim=dim)


def cross_entropy_from_logits(
    logits: torch.Tensor, target: torch.Tensor, reduction: str = "mean"
) -> torch.Tensor:
    """Reference for week01_practices.cross_entropy_from_logits: ``F.cross_entropy``."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"unknown reduction {reduction!r}")
    if not target.is_floating_point():
        target = target.long()
    return F.cross_entropy(logits, target, reduction=reduction)


def bce_with_logits(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Reference for week01_practices.bce_with_logits: ``F.binary_cross_entropy_with_logits``."""
    return F.binary_cross_entropy_with_logits(z, y, reduction="none")


def coulomb_energy(x: torch.Tensor) -> torch.Tensor:
    """Reference for week01_practices.coulomb_energy: pair distances i < j from ``F.pdist``,
    one configuration at a time."""
    pairs = torch.stack([(1 / F.pdist(configuration)).sum() for configuration in x.unbind(0)])
    return pairs + (x * x).flatten(1).sum(dim=1)


def metropolis_step(
    x: torch.Tensor,
    logp_fn: Callable[[torch.Tensor], torch.Tensor],
    width: float,
    noise: torch.Tensor,
    log_u: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Reference for week01_practices.metropolis_step: accept where ``log_u < logp(x') - logp(x)``
    (``torch.lt``: a nan or ``-inf`` gain is a rejection), blended as ``w x' + (1 - w) x``."""
    proposal = x + width * noise
    gain = logp_fn(proposal) - logp_fn(x)
    accepted = torch.lt(log_u, gain)
    weight = accepted.to(x.dtype).reshape(-1, *[1] * (x.dim() - 1))
    return weight * proposal + (1 - weight) * x, accepted
