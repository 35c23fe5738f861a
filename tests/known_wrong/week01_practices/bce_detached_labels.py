"""Builds the labels with torch.tensor from Python numbers: no gradient reaches y."""

import torch

EXPECT = {
    "exercise": "week01_practices.bce_with_logits",
    "check": "random logits, probability labels, float64, gradients",
    "message": r"gradient w\.r\.t\. y: (expected|your output is not connected)",
}


def bce_with_logits(z, y):
    y = torch.tensor(y.tolist(), dtype=z.dtype, device=z.device)
    return z.clamp(min=0) - z * y + torch.log1p(torch.exp(-z.abs()))
