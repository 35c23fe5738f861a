"""Averages the displacements over n instead of the n - 1 partners."""

EXPECT = {
    "exercise": "week04_symmetry.egnn_layer",
    "check": "4 particles in 2-D, float64",
    "message": r"x_new: .*entries differ from the reference.*hint: divide by n - 1",
    "replace": {".sum(dim=-2) / (n - 1)\n": ".sum(dim=-2) / n\n"},
}
