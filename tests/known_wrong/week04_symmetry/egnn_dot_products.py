"""Feeds phi_e the dot products x_i . x_j: rotation invariant, not translation invariant."""

EXPECT = {
    "exercise": "week04_symmetry.egnn_layer",
    "check": "rotated, reflected, translated, permuted copies, float64, h_new invariant under "
    "translation",
    "message": r"under a translation of the configuration, h_new must stay the same",
    "replace": {
        "    squared_distances = differences.square().sum(dim=-1, keepdim=True)\n": (
            "    squared_distances = (x[..., :, None, :] * x[..., None, :, :]).sum(-1, keepdim=True)\n"
        )
    },
}
