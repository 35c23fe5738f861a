"""An off-by-one slice: backward never reaches the first layer."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.Sequential",
    "check": "three Linear layers, soft targets",
    "message": r"gradient w.r.t. x: expected shape \[5, 4\], got \[5, 6\]; hint: backward calls loss\.backward and then every layer's backward",
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
        for layer in reversed(self.layers[1:]):
            delta = layer.backward(delta)
        return delta
