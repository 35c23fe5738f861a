"""Broadcasts sigma with sigma[:, None], which is right for vectors only: images get it along H, W."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "image-shaped x0, per-sample sigma, float64",
    "message": r"x_tilde given to score_fn: \d+/54 entries differ from the reference.*hint: "
    r"broadcast sigma_b over every non-batch dim",
    "replace": {
        "    sigma_bc = sigma_b.reshape((batch,) + (1,) * (x0.dim() - 1))\n": (
            "    sigma_bc = sigma_b[:, None]\n"
        )
    },
}
