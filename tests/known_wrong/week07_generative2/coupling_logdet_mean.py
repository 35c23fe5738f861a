"""Averages the log-scales over the coordinates instead of summing them."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "alternating mask, float32",
    "message": r"forward logdet: \d+/5 entries differ.*hint: logdet is a sum over the "
    r"coordinates, not a mean",
    "replace": {
        "        logdet = ((1 - m) * s).sum(dim=-1)\n": "        logdet = ((1 - m) * s).mean(dim=-1)\n",
        "        logdet_inv = -((1 - m) * s).sum(dim=-1)\n": (
            "        logdet_inv = -((1 - m) * s).mean(dim=-1)\n"
        ),
    },
}
