"""Lists the four rotations twice instead of adding the reflections."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.lattice_orbit",
    "check": "generic 5 x 5 configuration, float64, 8 L^2 distinct elements",
    "message": r"has 8 L\^2 = 200 distinct elements; yours has 100",
}


def lattice_orbit(s):
    size = s.shape[-1]
    point_images = [torch.rot90(s, k, dims=(-2, -1)) for k in range(4)] * 2
    images = [
        torch.roll(image, shifts=(dx, dy), dims=(-2, -1))
        for image in point_images
        for dx in range(size)
        for dy in range(size)
    ]
    return torch.stack(images, dim=1)
