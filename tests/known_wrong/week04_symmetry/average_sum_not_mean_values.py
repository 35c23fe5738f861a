"""Sums f over the orbit without dividing by the size of the group (the values check)."""

EXPECT = {
    "exercise": "week04_symmetry.group_average",
    "check": "MLP on the sites, 4 x 4, outputs (B, 2), float32",
    "message": r"hint: divide the sum over the orbit by \|G\| = 8 L\^2",
}


def group_average(f, s):
    orbit = lattice_orbit(s)  # noqa: F821 (the solution's function, defined above)
    batch, count = orbit.shape[:2]
    values = f(orbit.reshape(batch * count, *s.shape[1:]))
    return values.reshape(batch, count, *values.shape[1:]).sum(dim=1)
