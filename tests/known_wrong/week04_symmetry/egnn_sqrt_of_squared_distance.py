"""Computes the distance with a square root and squares it again: right values, but the square
root's derivative at the zero distance of the diagonal i = j is inf, and every gradient is nan."""

EXPECT = {
    "exercise": "week04_symmetry.egnn_layer",
    "check": "5 particles in 3-D, float64, gradients",
    "message": r"gradient w\.r\.t\. .* nan where the reference is finite.*hint: the derivative "
    r"of a square root at 0 is inf",
    "lesson": True,
    "replace": {
        "    squared_distances = differences.square().sum(dim=-1, keepdim=True)\n": (
            "    squared_distances = differences.square().sum(dim=-1, keepdim=True).sqrt() ** 2\n"
        )
    },
}
