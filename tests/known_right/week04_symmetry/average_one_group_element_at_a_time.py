"""Calls f once per group element and accumulates the mean, which the docstring allows."""

EXPECT = {"exercise": "week04_symmetry.group_average"}


def group_average(f, s):
    orbit = lattice_orbit(s)  # noqa: F821 (the solution's function, defined above)
    count = orbit.shape[1]
    total = f(orbit[:, 0])
    for k in range(1, count):
        total = total + f(orbit[:, k])
    return total / count
