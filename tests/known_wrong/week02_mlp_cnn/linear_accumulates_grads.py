"""Adds to self.grads on every backward call instead of overwriting them."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.Linear",
    "check": "backward twice overwrites grads",
    "message": r"gradient w.r.t. W, second backward call: .*differ.*hint: backward must overwrite",
}


class Linear:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.grads = [np.zeros_like(W), np.zeros_like(b)]

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, delta):
        self.grads[0] += self.x.T @ delta
        self.grads[1] += delta.sum(axis=0)
        return delta @ self.W.T
