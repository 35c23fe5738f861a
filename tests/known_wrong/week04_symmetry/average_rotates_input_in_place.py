"""Walks through the orbit by rotating and reflecting s itself, in place."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.group_average",
    "check": "inputs left unmodified",
    "message": r"modified its input\(s\) s in place",
}


def group_average(f, s):
    size = s.shape[-1]
    values = []
    for reflection in range(2):
        if reflection:
            s[...] = s.flip(-1)
        for _rotation in range(4):
            values += [
                f(torch.roll(s, shifts=(dx, dy), dims=(-2, -1)))
                for dx in range(size)
                for dy in range(size)
            ]
            s[...] = torch.rot90(s, 1, dims=(-2, -1))
    return torch.stack(values).mean(dim=0)
