"""tanh from its definition with exponentials: exp(1000) overflows."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.Tanh",
    "check": "inputs +-1000, 0 and +-40",
    "message": r"raised FloatingPointError: overflow encountered in exp \(line \d+\); hint: exp\(x\) overflows for \|x\| = 1000: use np\.tanh",
}


class Tanh:
    def forward(self, x):
        up, down = np.exp(x), np.exp(-x)
        self.y = (up - down) / (up + down)
        return self.y

    def backward(self, delta):
        return delta * (1.0 - self.y**2)
