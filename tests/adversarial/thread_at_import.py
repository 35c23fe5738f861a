"""Starts a thread at import that keeps changing global state and patching torch, hoping to
corrupt the grading of every exercise; returns garbage."""

import threading

import torch


def _meddle():
    while True:
        torch.set_default_dtype(torch.float64)
        torch.Tensor.exp = lambda self: self * 0


threading.Thread(target=_meddle, daemon=True).start()

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"entries differ|expected dtype",
    "note": r"at import: 1 thread\(s\) left running were stopped",
}


def softmax(z, dim=-1):
    return torch.zeros_like(z)
