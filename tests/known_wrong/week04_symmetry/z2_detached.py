"""Evaluates f under torch.no_grad(): g cannot be trained."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.z2_symmetrize",
    "check": "vectors (B, d), f a network, float64, gradients",
    "message": r"not connected to the autograd graph",
}


def z2_symmetrize(f):
    def g(x):
        with torch.no_grad():
            return (f(x) + f(-x)) / 2

    return g
