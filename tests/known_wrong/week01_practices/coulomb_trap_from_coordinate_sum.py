"""Squares the sum of the coordinates instead of summing their squares: not rotation invariant."""

EXPECT = {
    "exercise": "week01_practices.coulomb_energy",
    "check": "permuted, rotated copies, float64, rotation invariance",
    "message": r"changed by a rotation",
    "replace": {"x.square().sum(dim=(-2, -1))": "x.sum(dim=-1).square().sum(dim=-1)"},
}
