"""Forgets to multiply by the position: every row is the encoding of one angle per frequency, the
same for all positions."""

EXPECT = {
    "exercise": "week03_gnn_transformer.sinusoidal_positions",
    "check": "n = 16, d = 10, float64, positions told apart",
    "message": r"positions 0 and 1 get the same encoding",
    "replace": {
        "    angles = position * 10000.0 ** (-even_columns / d)  # (n, ceil(d / 2))\n": (
            "    angles = (10000.0 ** (-even_columns / d)).expand(n, -1)\n"
        )
    },
}
