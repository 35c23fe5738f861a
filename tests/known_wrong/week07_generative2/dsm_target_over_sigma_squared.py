"""Uses -(x~ - x0)/sigma^2 with x~ - x0 replaced by noise: the target -noise/sigma^2."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "vector x0, per-sample sigma, float32",
    "message": r"output: 1/1 entries differ from the reference.*hint: the target is -noise/sigma "
    r"\(= -\(x~ - x0\)/sigma\^2\), not -noise/sigma\^2",
    "replace": {
        "    residual = score_fn(x_tilde, sigma_b) + noise / sigma_bc\n": (
            "    residual = score_fn(x_tilde, sigma_b) + noise / sigma_bc**2\n"
        )
    },
}
