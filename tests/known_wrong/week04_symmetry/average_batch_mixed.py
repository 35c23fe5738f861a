"""Flattens the orbit group element first but reads the values back batch first."""

EXPECT = {
    "exercise": "week04_symmetry.group_average",
    "check": "MLP on the sites, 4 x 4, outputs (B, 2), float64",
    "message": r"output: \d+/\d+ entries differ from the reference",
}


def group_average(f, s):
    orbit = lattice_orbit(s)  # noqa: F821 (the solution's function, defined above)
    batch, count = orbit.shape[:2]
    values = f(orbit.transpose(0, 1).reshape(batch * count, *s.shape[1:]))
    return values.reshape(batch, count, *values.shape[1:]).mean(dim=1)
