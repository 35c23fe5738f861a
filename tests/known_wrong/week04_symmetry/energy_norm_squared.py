"""Squares the norm of the difference: right energies, but the square root's gradient at two
coincident particles is inf * 0 = nan."""

EXPECT = {
    "exercise": "week04_symmetry.invariant_energy",
    "check": "coincident particles: finite gradients, float64, gradients",
    "message": r"gradient w\.r\.t\. x: .*nan where the reference is finite.*hint: the gradient "
    r"of a square root at 0 is inf",
    "replace": {
        "    squared_distances = (x[:, i] - x[:, j]).square().sum(dim=-1)\n": (
            "    squared_distances = (x[:, i] - x[:, j]).square().sum(dim=-1).sqrt() ** 2\n"
        )
    },
}
