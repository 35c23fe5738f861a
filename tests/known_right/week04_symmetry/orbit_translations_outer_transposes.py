"""Lists the translations first and reflects by transposing, another order of the same images,
which the docstring allows."""

import torch

EXPECT = {"exercise": "week04_symmetry.lattice_orbit"}


def lattice_orbit(s):
    size = s.shape[-1]
    images = []
    for dx in range(size):
        for dy in range(size):
            shifted = torch.roll(s, shifts=(dy, dx), dims=(-1, -2))
            for k in range(4):
                rotated = torch.rot90(shifted, -k, dims=(-2, -1))
                images += [rotated, rotated.transpose(-2, -1)]
    return torch.stack(images, dim=1)
