"""Calls f once, on the batch of x and -x stacked, which the docstring allows (f works row by row)."""

import torch

EXPECT = {"exercise": "week04_symmetry.z2_symmetrize"}


def z2_symmetrize(f):
    def g(x):
        both = f(torch.cat([x, -x]))
        plus, minus = both.chunk(2)
        return (plus + minus) / 2

    return g
