"""Backward takes x * (1 - x) of the stored input instead of y * (1 - y) of the output."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.Sigmoid",
    "check": "random (4, 5)",
    "message": r"gradient w.r.t. x: .*differ.*hint: the derivative is y \* \(1 - y\) with y = sigmoid\(x\)",
}


class Sigmoid:
    def forward(self, x):
        self.x = x
        return 0.5 * (1.0 + np.tanh(x / 2))

    def backward(self, delta):
        return delta * self.x * (1.0 - self.x)
