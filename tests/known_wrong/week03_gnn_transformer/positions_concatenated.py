"""Puts all the sines first and all the cosines after them, instead of interleaving them."""

EXPECT = {
    "exercise": "week03_gnn_transformer.sinusoidal_positions",
    "check": "n = 6, d = 8, float64",
    "message": r"differ from the reference.*hint: interleave the columns",
    "replace": {
        "    encoding[:, 0::2] = torch.sin(angles)\n": (
            "    encoding[:, : angles.shape[1]] = torch.sin(angles)\n"
        ),
        "    encoding[:, 1::2] = torch.cos(angles[:, : d // 2])\n": (
            "    encoding[:, angles.shape[1] :] = torch.cos(angles[:, : d // 2])\n"
        ),
    },
}
