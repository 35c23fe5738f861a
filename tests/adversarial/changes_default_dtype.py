"""Switches the default dtype in the call and returns garbage built in it."""

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"expected dtype float32 \(the input's\), got float64|entries differ",
    "note": r"in a call: default dtype torch.float32 -> torch.float64 \(undone\)",
}


def softmax(z, dim=-1):
    torch.set_default_dtype(torch.float64)
    return torch.zeros(z.shape)
