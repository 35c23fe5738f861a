"""Interpolates the noise width linearly from sigma_min to sigma_max."""

EXPECT = {
    "exercise": "week07_generative2.ve_sde_marginal",
    "check": "vector x0, float64",
    "message": r"std: .*hint: the width grows geometrically",
    "lesson": True,
    "replace": {
        "    std = sigma_min * (sigma_max / sigma_min) ** t\n": (
            "    std = sigma_min + t * (sigma_max - sigma_min)\n"
        )
    },
}
