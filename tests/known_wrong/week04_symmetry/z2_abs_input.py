"""Makes f even by feeding it |x|, which is even but not the average over the group."""

EXPECT = {
    "exercise": "week04_symmetry.z2_symmetrize",
    "check": "vectors (B, d), f a network, float32",
    "message": r"hint: g averages f over x and -x; f\(\|x\|\) is even too",
}


def z2_symmetrize(f):
    def g(x):
        return f(x.abs())

    return g
