"""Inverse undoes the scale before the shift: z = x * exp(-s) - t."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "alternating mask, float64",
    "message": r"inverse z: \d+/30 entries differ.*hint: undo the shift first",
    "replace": {
        "        z = x_masked + (1 - m) * (x - t) * torch.exp(-s)\n": (
            "        z = x_masked + (1 - m) * (x * torch.exp(-s) - t)\n"
        )
    },
}
