"""Writes the stable softplus by hand, max(a, 0) + log1p(exp(-|a|)), as the docstring suggests."""

EXPECT = {
    "exercise": "week06_generative1.rbm_free_energy",
    "replace": {
        "torch.nn.functional.softplus(activation)": (
            "(activation.clamp(min=0) + torch.log1p(torch.exp(-activation.abs())))"
        )
    },
}
