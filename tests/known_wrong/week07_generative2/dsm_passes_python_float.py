"""Hands sigma to score_fn as it came (a Python float) instead of the (B,) tensor."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "vector x0, float sigma, float32",
    "message": r"sigma_b given to score_fn: expected a torch\.Tensor, got float; hint: sigma_b is "
    r"always a \(B,\) tensor",
    "replace": {
        "    residual = score_fn(x_tilde, sigma_b) + noise / sigma_bc\n": (
            "    residual = score_fn(x_tilde, sigma) + noise / sigma_bc\n"
        )
    },
}
