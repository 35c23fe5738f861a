"""Squeezes the result, which drops the batch dimension of a batch of one row."""

EXPECT = {
    "exercise": "week04_symmetry.z2_symmetrize",
    "check": "one row, B = 1, float64",
    "message": r"expected shape \[1, 2\], got \[2\]",
}


def z2_symmetrize(f):
    def g(x):
        return ((f(x) + f(-x)) / 2).squeeze()

    return g
