"""Starts from sigma_max and shrinks: the time direction is reversed."""

EXPECT = {
    "exercise": "week07_generative2.ve_sde_marginal",
    "check": "sigma_min=0.1, sigma_max=10, float32",
    "message": r"std: .*hint: std\(0\) = sigma_min and std\(1\) = sigma_max",
    "replace": {
        "    std = sigma_min * (sigma_max / sigma_min) ** t\n": (
            "    std = sigma_max * (sigma_min / sigma_max) ** t\n"
        )
    },
}
