"""Returns the forward log-det from inverse: logdet_inv has the wrong sign."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "half mask, float32",
    "message": r"inverse logdet_inv: \d+/4 entries differ.*hint: the inverse's log-det is "
    r"logdet_inv = -sum",
    "replace": {
        "        logdet_inv = -((1 - m) * s).sum(dim=-1)\n": (
            "        logdet_inv = ((1 - m) * s).sum(dim=-1)\n"
        )
    },
}
