"""Gets dW, db and dx from torch.autograd instead of the chain rule by hand."""

import torch

EXPECT = {
    "exercise": "week02_mlp_cnn.Linear",
    "check": "forbidden APIs",
    "message": r"uses forbidden torch \(line 20\).*torch \(torch\.autograd\.grad\)",
    "status": "banned",
}


class Linear:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.grads = None

    def forward(self, x):
        self.x = torch.from_numpy(x)
        return x @ self.W + self.b

    def backward(self, delta):
        x = self.x.clone().requires_grad_(True)
        W = torch.from_numpy(self.W).requires_grad_(True)
        b = torch.from_numpy(self.b).requires_grad_(True)
        y = x @ W + b
        dx, dW, db = torch.autograd.grad(y, (x, W, b), torch.from_numpy(delta))
        self.grads = [dW.numpy(), db.numpy()]
        return dx.numpy()
