"""Takes the exponent as -t beta(t)/2 instead of minus half the integral of beta over [0, t]."""

EXPECT = {
    "exercise": "week07_generative2.vp_sde_marginal",
    "check": "vector x0, float64",
    "message": r"mean: .*hint: the exponent is minus half the integral of beta\(s\)",
    "lesson": True,
    "replace": {
        "    log_mean_coeff = -0.25 * t**2 * (beta_max - beta_min) - 0.5 * t * beta_min\n": (
            "    log_mean_coeff = -0.5 * t * (beta_min + t * (beta_max - beta_min))\n"
        )
    },
}
