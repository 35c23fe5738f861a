"""Writes the leapfrog loop inline, with the half kicks between drifts merged into full kicks,
instead of calling leapfrog_step."""

import torch

EXPECT = {"exercise": "week07_generative2.hmc_step"}


def hmc_step(q, energy_fn, dt, n_leap, p0, log_u):
    def force(x):
        with torch.enable_grad():
            x = x.detach().requires_grad_(True)
            return torch.autograd.grad(energy_fn(x).sum(), x)[0]

    position, momentum = q.detach(), p0 - 0.5 * dt * force(q)
    for step in range(n_leap):
        position = position + dt * momentum
        momentum = momentum - (dt if step < n_leap - 1 else 0.5 * dt) * force(position)
    with torch.no_grad():
        old = energy_fn(q) + 0.5 * (p0 * p0).sum(dim=1)
        new = energy_fn(position) + 0.5 * (momentum * momentum).sum(dim=1)
    accepted = log_u < old - new
    return torch.where(accepted.unsqueeze(1), position, q.detach()), accepted
