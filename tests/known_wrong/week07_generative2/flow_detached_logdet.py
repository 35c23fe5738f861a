"""Detaches each layer's log-det (to "save memory"): no gradient reaches the layers through it."""

EXPECT = {
    "exercise": "week07_generative2.flow_forward",
    "message": r"gradient w\.r\.t\. z through logdet: your output is not connected to the autograd graph",
    "replace": {
        "        x, layer_logdet = layer(x)\n        logdet = logdet + layer_logdet\n    return x, logdet\n": (
            "        x, layer_logdet = layer(x)\n        logdet = logdet + layer_logdet.detach()\n    return x, logdet\n"
        ),
    },
}
