"""Backward applies tanh to the stored output again: 1 - tanh(y)**2 with y = tanh(x)."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.Tanh",
    "check": "random (4, 5)",
    "message": r"gradient w.r.t. x: .*differ.*hint: backward uses y = tanh\(x\) as stored in forward",
}


class Tanh:
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, delta):
        return delta * (1.0 - np.tanh(self.y) ** 2)
