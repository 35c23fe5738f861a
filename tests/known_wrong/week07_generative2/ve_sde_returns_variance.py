"""Returns the variance where the standard deviation belongs."""

EXPECT = {
    "exercise": "week07_generative2.ve_sde_marginal",
    "check": "image-shaped x0, float32",
    "message": r"std: .*hint: return the standard deviation .*not its square",
    "replace": {
        "    std = sigma_min * (sigma_max / sigma_min) ** t\n": (
            "    std = (sigma_min * (sigma_max / sigma_min) ** t) ** 2\n"
        )
    },
}
