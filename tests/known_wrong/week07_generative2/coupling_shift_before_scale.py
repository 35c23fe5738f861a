"""Shifts before scaling in forward: x = (z + t) * exp(s); inverse matches it, so the round trip holds."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "random mask, float64",
    "message": r"forward x: \d+/28 entries differ.*hint: forward is x = z \* exp\(s\) \+ t: scale "
    r"first",
    "replace": {
        "        x = z_masked + (1 - m) * (z * torch.exp(s) + t)\n": (
            "        x = z_masked + (1 - m) * (z + t) * torch.exp(s)\n"
        ),
        "        z = x_masked + (1 - m) * (x - t) * torch.exp(-s)\n": (
            "        z = x_masked + (1 - m) * (x * torch.exp(-s) - t)\n"
        ),
    },
}
