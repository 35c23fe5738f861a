"""Drops the factor 1/2 of the per-sample loss."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "image-shaped x0, per-sample sigma, float64",
    "message": r"output: 1/1 entries differ from the reference.*hint: the per-sample loss is "
    r"0\.5 \* \|\|score \+ noise/sigma\|\|\^2",
    "replace": {
        "    per_sample = 0.5 * (residual**2).reshape(batch, -1).sum(dim=1)\n": (
            "    per_sample = (residual**2).reshape(batch, -1).sum(dim=1)\n"
        )
    },
}
