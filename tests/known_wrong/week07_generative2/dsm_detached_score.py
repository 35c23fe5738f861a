"""Detaches the score (to 'save memory'): no gradient reaches the score network."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "vector x0, per-sample sigma, float64, gradients",
    "message": r"gradient w\.r\.t\. x0: your output is not connected to the autograd graph",
    "replace": {
        "    residual = score_fn(x_tilde, sigma_b) + noise / sigma_bc\n": (
            "    residual = score_fn(x_tilde, sigma_b).detach() + noise / sigma_bc\n"
        )
    },
}
