"""Hard-codes the default noise rates instead of using beta_min and beta_max."""

EXPECT = {
    "exercise": "week07_generative2.vp_sde_marginal",
    "check": "beta_min=0.5, beta_max=5, float64",
    "message": r"mean: \d+/\d+ entries differ from the reference",
    "replace": {
        "    log_mean_coeff = -0.25 * t**2 * (beta_max - beta_min) - 0.5 * t * beta_min\n": (
            "    log_mean_coeff = -0.25 * t**2 * (20.0 - 0.1) - 0.5 * t * 0.1\n"
        )
    },
}
