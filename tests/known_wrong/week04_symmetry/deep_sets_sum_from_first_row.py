"""Starts the sum with the first row, which does not exist when N = 0."""

EXPECT = {
    "exercise": "week04_symmetry.deep_sets",
    "check": "empty sets, N = 0, float64",
    "message": r"raised IndexError.*hint: a set with N = 0 rows sums to zeros",
}


def deep_sets(x, mask, phi, rho):
    features = phi(x)
    if mask is not None:
        features = features * mask[..., None]
    total = features[:, 0]
    for i in range(1, x.shape[1]):
        total = total + features[:, i]
    return rho(total)
