"""Halves the trap term (x^2/2): the polygons of the exact minima are no longer in equilibrium."""

EXPECT = {
    "exercise": "week01_practices.coulomb_energy",
    "check": "exact minimum, 3 charges in 2-D, float64, forces vanish",
    "message": r"the forces -dH/dx must vanish at the exact minimum",
    "replace": {"x.square().sum(dim=(-2, -1))": "0.5 * x.square().sum(dim=(-2, -1))"},
}
