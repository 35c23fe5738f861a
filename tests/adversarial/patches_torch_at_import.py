"""At import, makes every tensor equal to everything and every closeness test pass; returns garbage."""

import torch

torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args: True

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"entries differ",
    "note": r"at import: torch.Tensor.__eq__ added \(undone\)",
}


def softmax(z, dim=-1):
    return torch.zeros_like(z)
