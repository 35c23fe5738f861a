"""Marks x itself as requiring grad (the docstring allows it) and passes grad_outputs instead of
summing the energies."""

EXPECT = {"exercise": "week04_symmetry.forces"}


def forces(x, energy_fn):
    import torch

    if not x.requires_grad:
        x.requires_grad_(True)
    energy = energy_fn(x)
    if not energy.requires_grad:
        return torch.zeros_like(x)
    (gradient,) = torch.autograd.grad(
        energy, x, grad_outputs=torch.ones_like(energy), create_graph=True, allow_unused=True
    )
    return torch.zeros_like(x) if gradient is None else -gradient
