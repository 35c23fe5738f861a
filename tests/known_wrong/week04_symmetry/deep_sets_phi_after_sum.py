"""Sums the elements first and applies phi to the sum."""

EXPECT = {
    "exercise": "week04_symmetry.deep_sets",
    "check": "full sets, mask None, float64",
    "message": r"hint: apply phi to each element before the sum",
}


def deep_sets(x, mask, phi, rho):
    if mask is not None:
        x = x * mask[..., None]
    return rho(phi(x.sum(dim=1)))
