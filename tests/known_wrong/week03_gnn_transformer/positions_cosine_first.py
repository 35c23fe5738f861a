"""Puts the cosine in the even columns and the sine in the odd ones."""

EXPECT = {
    "exercise": "week03_gnn_transformer.sinusoidal_positions",
    "check": "n = 6, d = 8, float64",
    "message": r"differ from the reference.*hint: the sine goes in the even columns",
    "replace": {
        "    encoding[:, 0::2] = torch.sin(angles)\n": "    encoding[:, 0::2] = torch.cos(angles)\n",
        "    encoding[:, 1::2] = torch.cos(angles[:, : d // 2])\n": (
            "    encoding[:, 1::2] = torch.sin(angles[:, : d // 2])\n"
        ),
    },
}
