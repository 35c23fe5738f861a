"""Doubles the even part of f: an even f does not come back unchanged."""

EXPECT = {
    "exercise": "week04_symmetry.z2_symmetrize",
    "check": "f already even, float64, an even f is unchanged",
    "message": r"f is even, so g\(x\) must be f\(x\)",
}


def z2_symmetrize(f):
    def g(x):
        return f(x) + f(-x)

    return g
