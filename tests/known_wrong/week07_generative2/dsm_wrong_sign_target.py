"""Regresses the score onto +noise/sigma: the residual is score - noise/sigma."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "vector x0, float sigma, float64",
    "message": r"output: 1/1 entries differ from the reference.*hint: the target is the "
    r"conditional score -noise/sigma",
    "lesson": True,
    "replace": {
        "    residual = score_fn(x_tilde, sigma_b) + noise / sigma_bc\n": (
            "    residual = score_fn(x_tilde, sigma_b) - noise / sigma_bc\n"
        )
    },
}
