"""Sums the reconstruction term over the K samples instead of averaging it."""

EXPECT = {
    "exercise": "week06_generative1.vae_loss",
    "check": "linear-Gaussian model, K = 4000, float64, closed form within 5 standard errors",
    "message": r"the closed form of -ELBO for the linear-Gaussian model is .* standard errors away",
    "replace": {"        nll = nll.mean(dim=0)\n": "        nll = nll.sum(dim=0)\n"},
}
