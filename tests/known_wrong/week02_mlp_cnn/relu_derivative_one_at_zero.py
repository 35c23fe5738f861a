"""Masks with x >= 0: derivative 1 at exactly 0, where torch.relu (the reference) has 0."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.ReLU",
    "check": "exact zeros (derivative 0 at 0)",
    "message": r"gradient w.r.t. x: .*differ.*hint: the derivative at exactly x = 0 is 0",
}


class ReLU:
    def forward(self, x):
        self.mask = x >= 0
        return np.where(self.mask, x, 0.0)

    def backward(self, delta):
        return np.where(self.mask, delta, 0.0)
