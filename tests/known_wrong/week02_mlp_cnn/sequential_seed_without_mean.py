"""Seeds backward with ones(B): the gradient of the summed loss, B times the mean's."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.Sequential",
    "check": "Linear-Tanh-Linear, batch of 4",
    "message": r"gradient w.r.t. x: .*differ.*hint: backward seeds delta = np\.ones\(B\) / B",
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
        delta = self.loss.backward(np.ones(self.batch_size))
        for layer in reversed(self.layers):
            delta = layer.backward(delta)
        return delta
