"""Starts the log-det from torch.zeros(B): float32 whatever the input's dtype."""

import torch

EXPECT = {
    "exercise": "week07_generative2.flow_forward",
    "check": "empty flow, float64",
    "message": r"logdet: expected dtype float64 \(the input.s\), got float32",
}


def flow_forward(layers, z):
    x = z
    logdet = torch.zeros(z.shape[0])
    for layer in layers:
        x, layer_logdet = layer(x)
        logdet = logdet + layer_logdet
    return x, logdet
