"""Gets dW, db and dx from torch.autograd instead of the chain rule by hand."""

import torch

EXPECT = {
    "exercise": "week02_mlp_cnn.Linear",
    "check": "forbidden APIs",
    "message": r"uses forbidden torch\b.*torch \(torch\.autograd\.grad\) \(line \d+\)",
    "status": "banned",
}


def _backward(self, delta):
    x = torch.from_numpy(self.x).requires_grad_(True)
    W = torch.from_numpy(self.W).requires_grad_(True)
    b = torch.from_numpy(self.b).requires_grad_(True)
    dx, dW, db = torch.autograd.grad(x @ W + b, (x, W, b), torch.from_numpy(delta))
    self.grads = [dW.numpy(), db.numpy()]
    return dx.numpy()


Linear.backward = _backward  # noqa: F821 (the solution's class, defined above)
