"""Detaches mu and logvar: the samples are right but no gradient reaches the encoder."""

EXPECT = {
    "exercise": "week06_generative1.reparameterize",
    "check": "K = 4 samples per input, float64, gradients",
    "message": r"gradient w.r.t. mu: your output is not connected to the autograd graph",
    "replace": {
        "    return mu + torch.exp(0.5 * logvar) * eps\n": (
            "    return mu.detach() + torch.exp(0.5 * logvar.detach()) * eps\n"
        )
    },
}
