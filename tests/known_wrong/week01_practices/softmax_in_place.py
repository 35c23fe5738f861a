"""Shifts the caller's tensor in place (under no_grad, so autograd does not complain)."""

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "check": "inputs left unmodified",
    "message": r"modified its input\(s\) z in place",
}


def softmax(z, dim=-1):
    with torch.no_grad():
        z -= z.amax(dim=dim, keepdim=True)
    weights = z.exp()
    return weights / weights.sum(dim=dim, keepdim=True)
