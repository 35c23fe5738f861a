"""Small networks built from plain weight tensors, for cases that pass a net or a field to the code.

Cases can only carry tensors to the worker, so a case stores an MLP as a dict of weight tensors
(``mlp_weights``) and the probe rebuilds it on the spot (``TensorMLP``). The module uses those very
tensors, so a probe that marks them ``requires_grad`` can take gradients with respect to them.
"""

from __future__ import annotations

import itertools

import torch

from autograder.case import CaseRng


def mlp_weights(rng: CaseRng, sizes: list[int], scale: float = 1.0) -> dict[str, torch.Tensor]:
    """Float64 weights ``W0, b0, W1, b1, ...`` of an MLP with layer widths ``sizes``."""
    weights = {}
    for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        weights[f"W{layer}"] = rng.normal(fan_in, fan_out, scale=scale / fan_in**0.5)
        weights[f"b{layer}"] = rng.normal(fan_out, scale=0.1 * scale)
    return weights


class TensorMLP(torch.nn.Module):
    """``tanh`` MLP ``x @ W0 + b0 -> tanh -> ... -> x @ W_last + b_last`` on the given tensors."""

    def __init__(self, weights: dict[str, torch.Tensor]):
        super().__init__()
        self.weights = (
            weights  # plain tensors, not parameters: gradients flow to the caller's leaves
        )
        self.depth = len(weights) // 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in range(self.depth):
            x = x @ self.weights[f"W{layer}"] + self.weights[f"b{layer}"]
            if layer < self.depth - 1:
                x = torch.tanh(x)
        return x


def leaves(weights: dict[str, torch.Tensor], prefix: str) -> dict[str, torch.Tensor]:
    """Mark every weight as requiring grad; returns them keyed ``<prefix>.<name>`` for ``vjp``."""
    return {f"{prefix}.{name}": tensor.requires_grad_(True) for name, tensor in weights.items()}
