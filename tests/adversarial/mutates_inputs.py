"""Overwrites its input with the answer (and grows an empty input so that it changes too)."""

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"modified its input\(s\) z in place",
}


def softmax(z, dim=-1):
    if z.numel() == 0:
        z.resize_(1, 1)
        return torch.empty(0, 1)
    with torch.no_grad():
        z.sub_(z.amax(dim=dim, keepdim=True)).exp_()
        z.div_(z.sum(dim=dim, keepdim=True))
    return z.clone()
