"""Counts only the pairs with the first particle: not invariant under permutations."""

EXPECT = {
    "exercise": "week01_practices.coulomb_energy",
    "check": "permuted, rotated copies, float64, permutation invariance",
    "message": r"changed by a permutation of the particles",
    "replace": {
        "    distances = torch.linalg.vector_norm(x[:, i] - x[:, j], dim=-1)": (
            "    distances = torch.linalg.vector_norm(x[:, :1] - x[:, 1:], dim=-1)"
        )
    },
}
