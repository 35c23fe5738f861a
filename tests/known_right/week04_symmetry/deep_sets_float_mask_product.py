"""Masks by multiplying with the mask as a float (the junk is finite), which the docstring allows."""

EXPECT = {"exercise": "week04_symmetry.deep_sets"}


def deep_sets(x, mask, phi, rho):
    features = phi(x)
    if mask is not None:
        features = features * mask[..., None].to(features.dtype)
    return rho(features.sum(dim=1))
