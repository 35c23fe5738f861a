"""Turns a float eps into a (B,) tensor first, then follows one code path."""

import torch

EXPECT = {"exercise": "week07_generative2.langevin_step"}


def langevin_step(x, score_fn, eps, noise):
    eps = torch.as_tensor(eps, dtype=x.dtype, device=x.device).expand(x.shape[0])
    eps = eps.reshape((-1,) + (1,) * (x.dim() - 1))
    return x + 0.5 * eps * score_fn(x) + torch.sqrt(eps) * noise
