"""Overwrites its input with garbage (and grows an empty input), hoping the reference is computed
from the mutated input, and returns the softmax of the garbage."""

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"entries differ|expected shape",
}


def softmax(z, dim=-1):
    if z.numel() == 0:
        z.resize_(1, 1)
        return torch.empty(0, 1)
    with torch.no_grad():
        z.zero_()
    weights = z.exp()
    return weights / weights.sum(dim=dim, keepdim=True)
