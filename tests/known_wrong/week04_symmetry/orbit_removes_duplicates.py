"""Removes the images that coincide, so that small lattices get fewer than 8 L^2 of them."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.lattice_orbit",
    "check": "L = 2: one image per group element, duplicates kept, float64",
    "message": r"expected shape \[3, 32, 2, 2\].*hint: list one image per group element",
}


def lattice_orbit(s):
    size = s.shape[-1]
    rotations = [torch.rot90(s, k, dims=(-2, -1)) for k in range(4)]
    point_images = rotations + [rotation.flip(-1) for rotation in rotations]
    images = [
        torch.roll(image, shifts=(dx, dy), dims=(-2, -1))
        for image in point_images
        for dx in range(size)
        for dy in range(size)
    ]
    return torch.unique(torch.stack(images, dim=1), dim=1)
