"""Multiplies by 10000^(2i/d) instead of dividing: the frequencies grow along the features."""

EXPECT = {
    "exercise": "week03_gnn_transformer.sinusoidal_positions",
    "check": "n = 6, d = 8, float64",
    "message": r"differ from the reference.*hint: the frequencies decrease along the features",
    "replace": {
        "    angles = position * 10000.0 ** (-even_columns / d)  # (n, ceil(d / 2))\n": (
            "    angles = position * 10000.0 ** (even_columns / d)\n"
        )
    },
}
