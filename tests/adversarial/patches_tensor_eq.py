"""Makes every tensor equal to everything, then returns garbage."""

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"entries differ|torch.Tensor.__eq__",
}


def softmax(z, dim=-1):
    torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
    torch.equal = lambda *args: True
    return torch.zeros_like(z)
