"""Computes the latent under no_grad: the density is no longer differentiable."""

import math

import torch

EXPECT = {
    "exercise": "week07_generative2.flow_log_prob",
    "message": r"gradient w\.r\.t\. x through out: your output is not connected",
}


def flow_log_prob(layers, x):
    z = x
    logdet_inv = x.new_zeros(x.shape[0])
    with torch.no_grad():
        for layer in reversed(layers):
            z, layer_logdet = layer.inverse(z)
            logdet_inv = logdet_inv + layer_logdet
    dim = x.shape[-1]
    return -0.5 * (z**2).sum(dim=-1) - 0.5 * dim * math.log(2 * math.pi) + logdet_inv
