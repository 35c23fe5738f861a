"""Differentiates the mean energy of the batch: every force is divided by B."""

EXPECT = {
    "exercise": "week04_symmetry.forces",
    "check": "pair energy, 3-D, float64",
    "message": r"entries differ from the reference.*hint: differentiate E\.sum\(\), not E\.mean\(\)",
    "replace": {"grad(energy.sum(), positions": "grad(energy.mean(), positions"},
}
