"""Moves x in place with add_: the caller's states change even where the step is rejected."""

import torch

EXPECT = {
    "exercise": "week01_practices.metropolis_step",
    "check": "inputs left unmodified",
    "message": r"modified its input\(s\) x in place",
}


def metropolis_step(x, logp_fn, width, noise, log_u):
    current = logp_fn(x)
    proposal = x.add_(width * noise)
    accepted = log_u < logp_fn(proposal) - current
    keep = accepted.reshape(-1, *[1] * (x.dim() - 1))
    return torch.where(keep, proposal, proposal - width * noise), accepted
