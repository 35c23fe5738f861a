"""Calls torch.rot90 with its default dims (0, 1): the batch axis is rotated with the rows."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.lattice_orbit",
    "check": "generic 4 x 4 configurations, B = L, float64",
    "message": r"hint: torch.rot90 rotates dims \(0, 1\) by default",
}


def lattice_orbit(s):
    size = s.shape[-1]
    rotations = [torch.rot90(s, k) for k in range(4)]
    point_images = rotations + [rotation.flip(-1) for rotation in rotations]
    images = [
        torch.roll(image, shifts=(dx, dy), dims=(-2, -1))
        for image in point_images
        for dx in range(size)
        for dy in range(size)
    ]
    return torch.stack(images, dim=1)
