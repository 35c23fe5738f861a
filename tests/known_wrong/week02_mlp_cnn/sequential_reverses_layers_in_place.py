"""Reverses self.layers in place: right once, in forward order on the second backward call."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.Sequential",
    "check": "backward twice gives the same gradients",
    "message": r"raised ValueError: Linear\.backward expects delta of shape",
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
        return float(per_sample.mean())

    def backward(self):
        delta = self.loss.backward(np.full(self.batch_size, 1.0 / self.batch_size))
        self.layers.reverse()
        for layer in self.layers:
            delta = layer.backward(delta)
        return delta
