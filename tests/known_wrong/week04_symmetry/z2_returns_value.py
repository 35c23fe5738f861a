"""Returns None instead of the function g (forgets the return)."""

EXPECT = {
    "exercise": "week04_symmetry.z2_symmetrize",
    "check": "vectors (B, d), f a network, float64",
    "message": r"must return a function g, not NoneType",
}


def z2_symmetrize(f):
    def g(x):
        return (f(x) + f(-x)) / 2
