"""Applies the layers from the last to the first in the generative direction."""

EXPECT = {
    "exercise": "week07_generative2.flow_forward",
    "check": "two affine layers, float64, affine flow x = a z + b",
    "message": r"two affine layers must give x = a2 \* \(a1 \* z \+ b1\) \+ b2",
}


def flow_forward(layers, z):
    x = z
    logdet = z.new_zeros(z.shape[0])
    for layer in reversed(layers):
        x, layer_logdet = layer(x)
        logdet = logdet + layer_logdet
    return x, logdet
