"""Perturbs with the variance: x~ = x0 + sigma**2 * noise."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "vector x0, per-sample sigma, float64",
    "message": r"x_tilde given to score_fn: \d+/30 entries differ from the reference.*hint: "
    r"perturb with the standard deviation: x~ = x0 \+ sigma \* noise",
    "replace": {
        "    x_tilde = x0 + sigma_bc * noise\n": "    x_tilde = x0 + sigma_bc**2 * noise\n"
    },
}
