"""Clamps the probabilities away from 0 and 1: finite, but a confidently wrong logit costs ~17."""

import torch

EXPECT = {
    "exercise": "week01_practices.bce_with_logits",
    "check": "logits up to +-1e4, float64",
    "message": r"entries differ from the reference.*hint: clamping the probabilities caps the loss",
}


def bce_with_logits(z, y):
    p = torch.sigmoid(z).clamp(1e-7, 1 - 1e-7)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p))
