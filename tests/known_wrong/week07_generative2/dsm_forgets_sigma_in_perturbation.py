"""Adds unit noise: x~ = x0 + noise, as if sigma were 1."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "vector x0, float sigma, float64",
    "message": r"x_tilde given to score_fn: \d+/30 entries differ from the reference.*hint: "
    r"perturb with the standard deviation",
    "replace": {"    x_tilde = x0 + sigma_bc * noise\n": "    x_tilde = x0 + noise\n"},
}
