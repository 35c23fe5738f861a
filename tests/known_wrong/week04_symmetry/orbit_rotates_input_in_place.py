"""Walks through the point group by rotating and reflecting a name for s, not a copy of it: the
images are right, but s is left reflected."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.lattice_orbit",
    "check": "inputs left unmodified",
    "message": r"modified its input\(s\) s in place",
}


def lattice_orbit(s):
    size = s.shape[-1]
    image = s  # not a copy
    images = []
    for reflection in range(2):
        if reflection:
            image[...] = image.flip(-1)
        for _rotation in range(4):
            images += [
                torch.roll(image, shifts=(dx, dy), dims=(-2, -1))
                for dx in range(size)
                for dy in range(size)
            ]
            image[...] = torch.rot90(image, 1, dims=(-2, -1))
    return torch.stack(images, dim=1)
