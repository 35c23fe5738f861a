"""The standard deviation as sqrt(exp(logvar)), mu and logvar broadcast by hand with expand_as."""

EXPECT = {
    "exercise": "week06_generative1.reparameterize",
    "replace": {
        "    return mu + torch.exp(0.5 * logvar) * eps\n": (
            "    std = torch.sqrt(torch.exp(logvar))\n"
            "    return mu.expand_as(eps) + std.expand_as(eps) * eps\n"
        )
    },
}
