"""Forward returns the per-sample losses instead of their mean."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.Sequential",
    "check": "single sample",
    "message": r"output: expected a Python number, got numpy\.ndarray of shape \[1\], float64; hint: forward returns the mean loss",
}


class Sequential:
    def __init__(self, layers, loss):
        self.layers = layers
        self.loss = loss

    def forward(self, x, *loss_args):
        for layer in self.layers:
            x = layer.forward(x)
        per_sample = self.loss.forward(x, *loss_args)
        self.batch_size = len(per_sample)
        return per_sample

    def backward(self):
        delta = self.loss.backward(np.full(self.batch_size, 1.0 / self.batch_size))
        for layer in reversed(self.layers):
            delta = layer.backward(delta)
        return delta
