"""Sums the per-sample losses over the batch instead of averaging them."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "vector x0, float sigma, float32",
    "message": r"output: 1/1 entries differ from the reference.*hint: mean over the batch, not a sum",
    "replace": {"    return per_sample.mean()\n": "    return per_sample.sum()\n"},
}
