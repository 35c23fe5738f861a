"""Gives the cosine column 2i+1 a frequency of its own, 1 / 10000^((2i+1)/d): the pairs are no
longer the sine and cosine of one angle."""

EXPECT = {
    "exercise": "week03_gnn_transformer.sinusoidal_positions",
    "check": "n = 6, d = 8, float64",
    "message": r"entries differ from the reference.*hint: columns 2i and 2i\+1 share one frequency",
    "lesson": True,
    "replace": {
        "    encoding[:, 1::2] = torch.cos(angles[:, : d // 2])\n": (
            "    odd_columns = torch.arange(1, d, 2, dtype=dtype, device=device)\n"
            "    encoding[:, 1::2] = torch.cos(position * 10000.0 ** (-odd_columns / d))\n"
        )
    },
}
