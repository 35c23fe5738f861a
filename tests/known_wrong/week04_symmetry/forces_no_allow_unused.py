"""Differentiates without allow_unused: an energy that does not depend on x raises."""

EXPECT = {
    "exercise": "week04_symmetry.forces",
    "check": "constant energy with a parameter, float64",
    "message": r"raised RuntimeError.*hint: energy_fn may not depend on x",
}


def forces(x, energy_fn):
    import torch

    positions = x.detach().requires_grad_(True)
    energy = energy_fn(positions)
    if not energy.requires_grad:
        return torch.zeros_like(x)
    (gradient,) = torch.autograd.grad(energy.sum(), positions, create_graph=True)
    return -gradient
