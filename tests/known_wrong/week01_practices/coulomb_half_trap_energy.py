"""Halves the trap term (x^2/2): the energy at the polygon of the exact minimum is no longer H*."""

EXPECT = {
    "exercise": "week01_practices.coulomb_energy",
    "check": "exact minimum, 3 charges in 2-D, float64, energy is the known minimum",
    "message": r"the exact minimum of 3 charges in 2-D has H = 3\.93111209",
    "replace": {"x.square().sum(dim=(-2, -1))": "0.5 * x.square().sum(dim=(-2, -1))"},
}
