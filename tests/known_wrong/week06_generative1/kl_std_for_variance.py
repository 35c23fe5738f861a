"""Uses the standard deviation exp(logvar / 2) where the variance exp(logvar) belongs."""

EXPECT = {
    "exercise": "week06_generative1.gaussian_kl_std_normal",
    "check": "random mu, logvar, float32",
    "message": r"entries differ from the reference.*hint: the variance is exp\(logvar\); exp\(logvar / 2\) is the standard deviation",
    "replace": {"mu.square() + logvar.exp() - 1": "mu.square() + (0.5 * logvar).exp() - 1"},
}
