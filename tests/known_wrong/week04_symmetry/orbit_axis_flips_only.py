"""Takes the axis flips (and flipping both axes) as the reflections: the diagonal reflections are
missing, and the rotation by 180 degrees and the identity come twice."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.lattice_orbit",
    "check": "generic 3 x 3 configurations, float64",
    "message": r"entries differ from the reference.*hint: the four reflections of the square",
    "lesson": True,
}


def lattice_orbit(s):
    size = s.shape[-1]
    rotations = [torch.rot90(s, k, dims=(-2, -1)) for k in range(4)]
    point_images = [*rotations, s.flip(-1), s.flip(-2), s.flip(-2, -1), s]
    images = [
        torch.roll(image, shifts=(dx, dy), dims=(-2, -1))
        for image in point_images
        for dx in range(size)
        for dy in range(size)
    ]
    return torch.stack(images, dim=1)
