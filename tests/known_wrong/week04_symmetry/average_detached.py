"""Evaluates f under torch.no_grad(): the averaged network cannot be trained."""

import torch

EXPECT = {
    "exercise": "week04_symmetry.group_average",
    "check": "CNN, 3 x 3, outputs (B,), float64, gradients",
    "message": r"not connected to the autograd graph",
}


def group_average(f, s):
    orbit = lattice_orbit(s)  # noqa: F821 (the solution's function, defined above)
    batch, count = orbit.shape[:2]
    with torch.no_grad():
        values = f(orbit.reshape(batch * count, *s.shape[1:]))
    return values.reshape(batch, count, *values.shape[1:]).mean(dim=1)
