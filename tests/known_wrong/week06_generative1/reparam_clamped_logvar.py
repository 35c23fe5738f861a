"""Clamps logvar to [-10, 10] "against overflow": right for ordinary inputs, wrong at +-30."""

EXPECT = {
    "exercise": "week06_generative1.reparameterize",
    "check": "logvar = +-30, float64",
    "message": r"output: 24/24 entries differ from the reference",
    "replace": {
        "    return mu + torch.exp(0.5 * logvar) * eps\n": (
            "    return mu + torch.exp(0.5 * logvar.clamp(-10, 10)) * eps\n"
        )
    },
}
