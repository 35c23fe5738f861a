"""Sums g over the full n x n matrix of squared distances and halves it: every pair is counted
once, but the diagonal i = j adds g(0) / 2 per particle, and g(0) is not 0."""

EXPECT = {
    "exercise": "week04_symmetry.invariant_energy",
    "check": "random 2-D configurations, float64",
    "message": r"entries differ from the reference.*hint: the diagonal i = j adds g\(0\)",
    "lesson": True,
}


def invariant_energy(x, pair_mlp):
    squared_distances = (x[:, :, None] - x[:, None, :]).square().sum(dim=-1)
    return pair_mlp(squared_distances[..., None])[..., 0].sum(dim=(1, 2)) / 2
