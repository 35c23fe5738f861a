"""Pools with the mean over the present elements instead of the sum: an empty set gives 0/0."""

EXPECT = {
    "exercise": "week04_symmetry.deep_sets",
    "check": "padded sets of up to 5 elements, float64",
    "message": r"hint: pool with the sum over the present elements, not their mean",
}


def deep_sets(x, mask, phi, rho):
    features = phi(x)
    if mask is None:
        return rho(features.mean(dim=1))
    weights = mask[..., None].to(x.dtype)
    return rho((features * weights).sum(dim=1) / weights.sum(dim=1))
