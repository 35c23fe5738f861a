"""The grader's own invertible layers, handed to the flow exercises (built in the probe from a case's
plain tensors, so that they cross to the worker as data).

A layer description is a dict: ``{"kind": "coupling", "mask", "s_net", "t_net"}`` (a RealNVP
coupling on ``TensorMLP`` conditioners, s and t masked as in ``AffineCoupling``) or
``{"kind": "affine", "scale", "shift"}`` (the elementwise map ``x = scale * z + shift``). Both
follow the week's convention: ``layer(z) -> (x, logdet)``, ``layer.inverse(x) -> (z, logdet_inv)``.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from autograder.case import CaseRng
from autograder.nets import TensorMLP, leaves, mlp_weights


class GraderCoupling(nn.Module):
    """``x = z*m + (1-m) * (z * exp(s) + t)``, ``s, t = net(z*m) * (1-m)``; logdet ``sum s``."""

    def __init__(self, mask: torch.Tensor, s_net: nn.Module, t_net: nn.Module):
        super().__init__()
        self.mask, self.s_net, self.t_net = mask, s_net, t_net

    def _scale_shift(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        kept = self.mask.to(dtype=y.dtype, device=y.device)
        return self.s_net(y * kept) * (1 - kept), self.t_net(y * kept) * (1 - kept)

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        s, t = self._scale_shift(z)
        return z * torch.exp(s) + t, s.sum(dim=-1)

    def inverse(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        s, t = self._scale_shift(x)
        return (x - t) * torch.exp(-s), -s.sum(dim=-1)


class GraderAffine(nn.Module):
    """Elementwise ``x = scale * z + shift``; logdet ``sum ln|scale|`` for every sample."""

    def __init__(self, scale: torch.Tensor, shift: torch.Tensor):
        super().__init__()
        self.scale, self.shift = scale, shift

    def _logdet(self, y: torch.Tensor) -> torch.Tensor:
        return torch.log(self.scale.abs()).sum() * y.new_ones(y.shape[0])

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return z * self.scale + self.shift, self._logdet(z)

    def inverse(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return (x - self.shift) / self.scale, -self._logdet(x)


def build_layers(descriptions: list[dict[str, Any]]) -> list[nn.Module]:
    """The layers a case describes, on the (already cast) tensors of the descriptions."""
    layers = []
    for description in descriptions:
        if description["kind"] == "affine":
            layers.append(GraderAffine(description["scale"], description["shift"]))
        else:
            s_net, t_net = TensorMLP(description["s_net"]), TensorMLP(description["t_net"])
            layers.append(GraderCoupling(description["mask"], s_net, t_net))
    return layers


def layer_leaves(descriptions: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
    """Every weight of every layer marked ``requires_grad``, keyed ``layer<k>.<net>.<name>``."""
    weights = {}
    for index, description in enumerate(descriptions):
        for name, value in description.items():
            prefix = f"layer{index}.{name}"
            if isinstance(value, dict):
                weights.update(leaves(value, prefix))
            elif torch.is_tensor(value) and value.is_floating_point():
                weights[prefix] = value.requires_grad_(True)
    return weights


def coupling(rng: CaseRng, mask: list[bool], hidden: int = 6, scale: float = 0.7) -> dict:
    """A coupling with random tanh conditioners of one hidden layer."""
    dim = len(mask)
    return {
        "kind": "coupling",
        "mask": torch.tensor(mask),
        "s_net": mlp_weights(rng, [dim, hidden, dim], scale=scale),
        "t_net": mlp_weights(rng, [dim, hidden, dim], scale=scale),
    }


def affine(scale: torch.Tensor, shift: torch.Tensor) -> dict:
    return {"kind": "affine", "scale": scale, "shift": shift}


def alternating_couplings(rng: CaseRng, dim: int, count: int, scale: float = 0.7) -> list[dict]:
    """``count`` couplings whose masks alternate between the even and the odd coordinates."""
    return [
        coupling(rng, [(i + k) % 2 == 0 for i in range(dim)], scale=scale) for k in range(count)
    ]
