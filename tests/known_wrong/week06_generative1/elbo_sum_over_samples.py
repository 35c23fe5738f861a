"""Sums over the K samples instead of averaging: K times -ELBO."""

EXPECT = {
    "exercise": "week06_generative1.neg_elbo",
    "check": "exact posterior, K = 4: zero variance, float64, every sample gives -ln p(x)",
    "message": r"at the exact posterior every sample gives ln q - ln p\(x, z\) = -ln p\(x\)",
    "replace": {
        "    return (log_q(z, x) - log_joint(x, z)).mean(dim=0)\n": (
            "    return (log_q(z, x) - log_joint(x, z)).sum(dim=0)\n"
        )
    },
}
