"""Sums f over the orbit without dividing by the size of the group."""

EXPECT = {
    "exercise": "week04_symmetry.group_average",
    "check": "Ising energy per site, invariant, float64, an invariant f is unchanged",
    "message": r"the Ising energy is invariant, so its average is itself",
}


def group_average(f, s):
    orbit = lattice_orbit(s)  # noqa: F821 (the solution's function, defined above)
    batch, count = orbit.shape[:2]
    values = f(orbit.reshape(batch * count, *s.shape[1:]))
    return values.reshape(batch, count, *values.shape[1:]).sum(dim=1)
