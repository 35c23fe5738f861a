"""Hidden reference for week 6: variational inference, gradient estimators, Boltzmann machines."""

from __future__ import annotations

import torch

# ------------------------------------------------------------------------------ variational inference


# ------------------------------------------------------------------- gradient estimators and RBMs


def rbm_free_energy(v, W, b, c):
    """-b.v - sum_j softplus(c_j + W_j.v), the softplus as logaddexp(0, a) (exact, no threshold)."""
    activation = torch.addmm(c, v, W.T)
    return -torch.mv(v, b) - torch.logaddexp(torch.zeros_like(activation), activation).sum(dim=-1)
