"""Gives the cosine column 2i+1 a frequency of its own: sin^2 + cos^2 of a pair is no longer 1."""

EXPECT = {
    "exercise": "week03_gnn_transformer.sinusoidal_positions",
    "check": "n = 16, d = 10, float64, (sin, cos) pairs on the unit circle",
    "message": r"columns \d+ and \d+ must be the sine and cosine of one angle",
    "replace": {
        "    encoding[:, 1::2] = torch.cos(angles[:, : d // 2])\n": (
            "    odd_columns = torch.arange(1, d, 2, dtype=dtype, device=device)\n"
            "    encoding[:, 1::2] = torch.cos(position * 10000.0 ** (-odd_columns / d))\n"
        )
    },
}
