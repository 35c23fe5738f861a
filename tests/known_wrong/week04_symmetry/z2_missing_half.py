"""Sums f over x and -x and forgets to divide by the size of the group."""

EXPECT = {
    "exercise": "week04_symmetry.z2_symmetrize",
    "check": "vectors (B, d), f a network, float64",
    "message": r"entries differ from the reference.*hint: g is the average \(f\(x\) \+ f\(-x\)\) / 2",
    "lesson": True,
}


def z2_symmetrize(f):
    def g(x):
        return f(x) + f(-x)

    return g
