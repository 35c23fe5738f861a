"""Another honest route: a cloned beta that keeps the caller's graph, the total energy E, and
s = (ln Z + beta E) / N as the docstring writes it."""

import torch

EXPECT = {"exercise": "week05_diffprog.thermodynamics"}


def thermodynamics(lnZ_fn, beta, n_sites):
    beta = beta.clone()
    if not beta.requires_grad:
        beta.requires_grad_(True)
    ln_z = lnZ_fn(beta)
    (first,) = torch.autograd.grad(ln_z, beta, create_graph=True)
    (second,) = torch.autograd.grad(first, beta, create_graph=True)
    total_energy = -first
    return {
        "f": -ln_z / (beta * n_sites),
        "e": total_energy / n_sites,
        "c": beta * beta * second / n_sites,
        "s": (ln_z + beta * total_energy) / n_sites,
    }
