"""Turns gradients off globally (and leaves them off)."""

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"grad mode True -> False|not connected to the autograd graph",
}


def softmax(z, dim=-1):
    torch.set_grad_enabled(False)
    weights = (z - z.amax(dim=dim, keepdim=True)).exp()
    return weights / weights.sum(dim=dim, keepdim=True)
