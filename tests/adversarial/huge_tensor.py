"""Asks torch for a 64 GiB tensor."""

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"ran out of memory",
}


def softmax(z, dim=-1):
    return torch.empty(2**34, dtype=torch.float32)
