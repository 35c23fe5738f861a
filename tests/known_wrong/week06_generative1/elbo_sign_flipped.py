"""Returns the mean of ln p(x, z) - ln q(z|x): the ELBO itself, below ln p(x), not its negative."""

EXPECT = {
    "exercise": "week06_generative1.neg_elbo",
    "check": "perturbed Gaussian q, K = 4000, float64, -ELBO >= -ln p(x)",
    "message": r"-ELBO is an upper bound: -ELBO >= -ln p\(x\)",
    "lesson": True,
    "replace": {
        "    return (log_q(z, x) - log_joint(x, z)).mean(dim=0)\n": (
            "    return (log_joint(x, z) - log_q(z, x)).mean(dim=0)\n"
        )
    },
}
