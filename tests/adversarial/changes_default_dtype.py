"""Right values, but switches the default dtype for everyone after it."""

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"default dtype torch.float32 -> torch.float64",
}


def softmax(z, dim=-1):
    torch.set_default_dtype(torch.float64)
    weights = (z - z.amax(dim=dim, keepdim=True)).exp()
    return weights / weights.sum(dim=dim, keepdim=True)
