"""Sums the images f(g x) over the group instead of averaging them: symmetrizing twice doubles g."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.z2_symmetrize",
    "check": "symmetry of g, float64, symmetrizing twice changes nothing",
    "message": r"z2_symmetrize\(g\)\(x\) must equal g\(x\)",
}


def z2_symmetrize(f):
    def g(x):
        return torch.stack([f(x), f(-x)]).sum(dim=0)

    return g
