"""Overwrites the running log-det with each layer's: only the last layer's log-det survives."""

EXPECT = {
    "exercise": "week07_generative2.flow_forward",
    "check": "three couplings, float64",
    "message": r"logdet: 6/6 entries differ.*hint: the log-determinants of the layers add up",
    "lesson": True,
    "replace": {
        "        x, layer_logdet = layer(x)\n        logdet = logdet + layer_logdet\n    return x, logdet\n": (
            "        x, layer_logdet = layer(x)\n        logdet = layer_logdet\n    return x, logdet\n"
        ),
    },
}
