"""Scales the noise by the variance exp(logvar) instead of the standard deviation."""

EXPECT = {
    "exercise": "week06_generative1.reparameterize",
    "check": "one sample per input, float64",
    "message": r"entries differ from the reference.*hint: the standard deviation is exp\(logvar / 2\) = sqrt\(variance\), not exp\(logvar\)",
    "lesson": True,
    "replace": {
        "    return mu + torch.exp(0.5 * logvar) * eps\n": "    return mu + torch.exp(logvar) * eps\n"
    },
}
