"""Translates by slicing, which fills the vacated rows and columns with zeros instead of wrapping."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.lattice_orbit",
    "check": "Ising spins 4 x 4, float64, Ising energy constant on the orbit",
    "message": r"the Ising energy is the same on the whole orbit",
}


def _shifted(image, dx, dy):
    size = image.shape[-1]
    out = torch.zeros_like(image)
    out[..., dx:, dy:] = image[..., : size - dx, : size - dy]
    return out


def lattice_orbit(s):
    size = s.shape[-1]
    rotations = [torch.rot90(s, k, dims=(-2, -1)) for k in range(4)]
    point_images = rotations + [rotation.flip(-1) for rotation in rotations]
    images = [
        _shifted(image, dx, dy)
        for image in point_images
        for dx in range(size)
        for dy in range(size)
    ]
    return torch.stack(images, dim=1)
