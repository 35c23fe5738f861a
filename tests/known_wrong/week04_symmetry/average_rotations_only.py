"""Averages over the rotations and translations only: the average is not reflection invariant."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.group_average",
    "check": "averaged CNN on transformed copies, float64, the averaged CNN is invariant",
    "message": r"the average must not change when s is reflected",
}


def group_average(f, s):
    size = s.shape[-1]
    images = [
        torch.roll(torch.rot90(s, k, dims=(-2, -1)), shifts=(dx, dy), dims=(-2, -1))
        for k in range(4)
        for dx in range(size)
        for dy in range(size)
    ]
    return torch.stack([f(image) for image in images]).mean(dim=0)
