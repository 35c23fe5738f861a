"""Leaves out the normalisation -(D/2) ln(2 pi) of the latent Gaussian."""

EXPECT = {
    "exercise": "week07_generative2.flow_log_prob",
    "check": "2-D flow of two couplings on a grid, float64, density integrates to 1",
    "message": r"density of a flow integrates to 1; .* is 6\.28",
    "replace": {
        "    log_base = -0.5 * (z**2).sum(dim=-1) - 0.5 * dim * math.log(2 * math.pi)\n    return log_base + logdet_inv\n": (
            "    log_base = -0.5 * (z**2).sum(dim=-1)\n    return log_base + logdet_inv\n"
        ),
    },
}
