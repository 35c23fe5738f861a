"""Translates by rolling the flattened lattice, which wraps each row into the next."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.lattice_orbit",
    "check": "generic 4 x 4 configurations, B = L, float32",
    "message": r"hint: the translations of the torus are torch.roll with shifts \(dx, dy\)",
}


def lattice_orbit(s):
    size = s.shape[-1]
    rotations = [torch.rot90(s, k, dims=(-2, -1)) for k in range(4)]
    point_images = rotations + [rotation.flip(-1) for rotation in rotations]
    images = [
        torch.roll(image.flatten(-2), shift, dims=-1).reshape(s.shape)
        for image in point_images
        for shift in range(size * size)
    ]
    return torch.stack(images, dim=1)
