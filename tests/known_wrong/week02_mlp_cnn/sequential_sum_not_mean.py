"""Returns the summed loss (and, consistently, its gradient) instead of the batch mean."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.Sequential",
    "check": "three Linear layers, soft targets",
    "message": r"output: .*differ.*hint: the network loss is the mean of the per-sample losses",
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
        return float(per_sample.sum())

    def backward(self):
        delta = self.loss.backward(np.ones(self.batch_size))
        for layer in reversed(self.layers):
            delta = layer.backward(delta)
        return delta
