"""Zeroes the padded inputs instead of their features (the values check and its hint)."""

EXPECT = {
    "exercise": "week04_symmetry.deep_sets",
    "check": "padded sets of up to 5 elements, float32",
    "message": r"hint: mask phi\(x_i\), not x_i",
}


def deep_sets(x, mask, phi, rho):
    if mask is not None:
        x = x * mask[..., None]
    return rho(phi(x).sum(dim=1))
