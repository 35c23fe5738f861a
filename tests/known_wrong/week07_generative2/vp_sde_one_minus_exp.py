"""Computes 1 - exp(2 log_mean_coeff), which cancels for small t in float32."""

EXPECT = {
    "exercise": "week07_generative2.vp_sde_marginal",
    "check": "small t (1e-5 to 1e-3), float32",
    "message": r"std: .*hint: 1 - exp\(2 log_mean_coeff\) cancels for small t in float32",
    "replace": {
        "    std = torch.sqrt(-torch.expm1(2.0 * log_mean_coeff))\n": (
            "    std = torch.sqrt(1 - torch.exp(2.0 * log_mean_coeff))\n"
        )
    },
}
