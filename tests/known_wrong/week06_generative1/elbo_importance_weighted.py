"""Averages the weights p / q inside the logarithm (the importance-weighted bound), not the logs."""

EXPECT = {
    "exercise": "week06_generative1.neg_elbo",
    "check": "perturbed Gaussian q, K = 4000, float64, closed form within 5 standard errors",
    "message": r"the closed form of -ELBO for this Gaussian q is .* standard errors away",
    "replace": {
        "    return (log_q(z, x) - log_joint(x, z)).mean(dim=0)\n": (
            "    weights = torch.exp(log_joint(x, z) - log_q(z, x))\n"
            "    return -torch.log(weights.mean(dim=0))\n"
        )
    },
}
