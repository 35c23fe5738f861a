"""Sums the log-det over the batch too: one number instead of one per sample."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "random mask, float64",
    "message": r"forward logdet: expected shape \[4\], got \[\]",
    "replace": {
        "        logdet = ((1 - m) * s).sum(dim=-1)\n": "        logdet = ((1 - m) * s).sum()\n",
        "        logdet_inv = -((1 - m) * s).sum(dim=-1)\n": (
            "        logdet_inv = -((1 - m) * s).sum()\n"
        ),
    },
}
