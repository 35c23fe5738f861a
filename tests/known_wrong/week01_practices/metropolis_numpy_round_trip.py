"""Decides the acceptance in numpy: right on the CPU, fails on a GPU (a GPU tensor has no numpy view)."""

import torch

EXPECT = {
    "exercise": "week01_practices.metropolis_step",
    "message": r"on a GPU, \.numpy\(\) fails",
}


def metropolis_step(x, logp_fn, width, noise, log_u):
    proposal = x + width * noise
    gain = (logp_fn(proposal) - logp_fn(x)).numpy()
    accepted = torch.from_numpy(log_u.numpy() < gain)
    keep = accepted.reshape(accepted.shape + (1,) * (x.dim() - 1))
    return torch.where(keep, proposal, x), accepted
