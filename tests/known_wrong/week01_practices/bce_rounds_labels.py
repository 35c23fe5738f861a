"""Treats every label as 0 or 1: probability labels lose their information."""

import torch

EXPECT = {
    "exercise": "week01_practices.bce_with_logits",
    "check": "random logits, probability labels, float64",
    "message": r"entries differ from the reference.*hint: y may be any probability",
}


def bce_with_logits(z, y):
    y = (y > 0.5).to(z.dtype)
    return z.clamp(min=0) - z * y + torch.log1p(torch.exp(-z.abs()))
