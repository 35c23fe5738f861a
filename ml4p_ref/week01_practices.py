"""Hidden reference for week 1: torch's own softmax, log-sum-exp and cross-entropy."""

from __future__ import annotations

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
