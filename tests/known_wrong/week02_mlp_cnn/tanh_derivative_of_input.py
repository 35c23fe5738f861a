"""Backward uses 1 - x**2 of the input instead of 1 - tanh(x)**2."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.Tanh",
    "check": "single sample",
    "message": r"gradient w.r.t. x: .*differ.*hint: the derivative is 1 - tanh\(x\)\*\*2, not 1 - x\*\*2",
}


class Tanh:
    def forward(self, x):
        self.x = x
        return np.tanh(x)

    def backward(self, delta):
        return delta * (1.0 - self.x**2)
