"""Feeds phi_e the distance |x_i - x_j| instead of its square."""

EXPECT = {
    "exercise": "week04_symmetry.egnn_layer",
    "check": "4 particles in 2-D, float64",
    "message": r"entries differ from the reference.*hint: feed phi_e the squared distance",
    "replace": {
        "    squared_distances = differences.square().sum(dim=-1, keepdim=True)\n": (
            "    squared_distances = torch.linalg.vector_norm(differences, dim=-1, keepdim=True)\n"
        )
    },
}
