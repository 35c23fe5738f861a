"""Subtracts f(-x): g is odd, not even."""

EXPECT = {
    "exercise": "week04_symmetry.z2_symmetrize",
    "check": "symmetry of g, float64, g(-x) = g(x)",
    "message": r"g\(-x\) must equal g\(x\)",
}


def z2_symmetrize(f):
    def g(x):
        return (f(x) - f(-x)) / 2

    return g
