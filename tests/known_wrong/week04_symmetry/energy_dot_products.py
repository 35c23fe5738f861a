"""Feeds g the dot products x_i . x_j: invariant under rotations, not under translations, so the
forces of the energy do not sum to zero."""

EXPECT = {
    "exercise": "week04_symmetry.invariant_energy",
    "check": "rotated, reflected, translated, permuted copies, float64, momentum conserved",
    "message": r"total force sum_i F_i .* not 0 .*momentum conservation",
    "replace": {
        "    squared_distances = (x[:, i] - x[:, j]).square().sum(dim=-1)\n": (
            "    squared_distances = (x[:, i] * x[:, j]).sum(dim=-1)\n"
        )
    },
}
