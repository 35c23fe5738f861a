"""Returns the variance 1 - mean_coeff^2 where the standard deviation belongs."""

EXPECT = {
    "exercise": "week07_generative2.vp_sde_marginal",
    "check": "image-shaped x0, float32",
    "message": r"std: .*hint: std is the square root of 1 - mean_coeff\^2",
    "replace": {
        "    std = torch.sqrt(-torch.expm1(2.0 * log_mean_coeff))\n": (
            "    std = -torch.expm1(2.0 * log_mean_coeff)\n"
        )
    },
}
