"""Turns gradients off globally, leaves them off, and returns garbage."""

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"entries differ",
    "note": r"in a call: grad mode True -> False \(undone\)",
}


def softmax(z, dim=-1):
    torch.set_grad_enabled(False)
    return torch.zeros_like(z)
