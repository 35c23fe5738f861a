"""Computes the right numbers through numpy, which cuts the autograd graph."""

import numpy as np
import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "check": "random logits, float64, gradients",
    "message": r"gradient w\.r\.t\. z: your output is not connected to the autograd graph",
}


def softmax(z, dim=-1):
    values = z.detach().cpu().numpy()
    weights = np.exp(values - values.max(axis=dim, keepdims=True))
    result = weights / weights.sum(axis=dim, keepdims=True)
    return torch.from_numpy(result).to(z.dtype)
