"""Starts a thread that outlives the call and keeps scribbling on the input."""

import threading

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"thread\(s\) left running",
}


def _scribble(tensor):
    while True:
        with torch.no_grad():
            tensor.mul_(1.0)


def softmax(z, dim=-1):
    threading.Thread(target=_scribble, args=(z,), daemon=True).start()
    weights = (z - z.amax(dim=dim, keepdim=True)).exp()
    return weights / weights.sum(dim=dim, keepdim=True)
