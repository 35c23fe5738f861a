"""Subtracts the KL, as if the loss were reconstruction plus the ELBO's -KL."""

EXPECT = {
    "exercise": "week06_generative1.vae_loss",
    "check": "gaussian, dec_logvar None, float64",
    "message": r"hint: the loss is -ELBO = reconstruction \+ KL: the KL enters with a \+ sign",
    "replace": {
        "    return nll + gaussian_kl_std_normal(mu, logvar)\n": (
            "    return nll - gaussian_kl_std_normal(mu, logvar)\n"
        ),
    },
}
