"""Backward returns the local derivative (x > 0) without multiplying by delta."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.ReLU",
    "check": "3-d input (2, 3, 4)",
    "message": r"gradient w.r.t. x: .*differ.*hint: backward returns delta \* \(x > 0\): multiply by delta",
}


class ReLU:
    def forward(self, x):
        self.x = x
        return np.maximum(x, 0.0)

    def backward(self, delta):
        return (self.x > 0).astype(np.float64)
