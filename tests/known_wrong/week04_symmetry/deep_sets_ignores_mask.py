"""Sums phi over every row, the padded junk rows included."""

EXPECT = {
    "exercise": "week04_symmetry.deep_sets",
    "check": "padded sets of up to 5 elements, float64",
    "message": r"entries differ from the reference.*hint: padded rows hold junk and are not elements",
    "lesson": True,
}


def deep_sets(x, mask, phi, rho):
    return rho(phi(x).sum(dim=1))
