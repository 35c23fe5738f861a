"""Returns garbage and starts a thread that outlives the call, patching torch and scribbling on
the input, in the hope of corrupting what the grader does next."""

import threading

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"entries differ",
    "note": r"in a call: 1 thread\(s\) left running were stopped",
}


def _scribble(tensor):
    while True:
        torch.allclose = lambda *args, **kwargs: True
        with torch.no_grad():
            tensor.mul_(1.0)


def softmax(z, dim=-1):
    threading.Thread(target=_scribble, args=(z,), daemon=True).start()
    return torch.zeros_like(z)
