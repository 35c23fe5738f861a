"""A "stable" sigmoid with np.where: both branches are evaluated, so exp(x) overflows at x = 1000."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.Sigmoid",
    "check": "uniform in [-1000, 1000]",
    "message": r"raised FloatingPointError: overflow encountered in exp \(line \d+\); hint: .*np\.where evaluates both branches",
}


class Sigmoid:
    def forward(self, x):
        self.y = np.where(x >= 0, 1.0 / (1.0 + np.exp(-x)), np.exp(x) / (1.0 + np.exp(x)))
        return self.y

    def backward(self, delta):
        return delta * self.y * (1.0 - self.y)
