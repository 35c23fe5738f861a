"""Softmax as exp(x - logsumexp(x)) along the axis, another stable form the docstring allows."""

import numpy as np

EXPECT = {"exercise": "week02_mlp_cnn.Softmax"}


class Softmax:
    def __init__(self, axis=-1):
        self.axis = axis

    def forward(self, x):
        top = np.max(x, axis=self.axis, keepdims=True)
        log_norm = top + np.log(np.sum(np.exp(x - top), axis=self.axis, keepdims=True))
        self.y = np.exp(x - log_norm)
        return self.y

    def backward(self, delta):
        dot = np.sum(delta * self.y, axis=self.axis, keepdims=True)
        return self.y * (delta - dot)
