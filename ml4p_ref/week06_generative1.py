"""Hidden reference for week 6: variational inference, gradient estimators, Boltzmann machines."""

from __future__ import annotations

import torch

# ------------------------------------------------------------------------------ variational inference


# ------------------------------------------------------------------- gradient estimators and RBMs


def score_function_grad(f_x, score, baseline=None):
    """mean_s (f_x[s] - b) score[s, :], as one matrix-vector product."""
    centred = f_x if baseline is None else f_x - torch.as_tensor(baseline, dtype=f_x.dtype)
    return torch.mv(score.T, centred) / f_x.shape[0]


def pathwise_grad(f, mu, sigma, eps):
    """Gradient of mean_s f(mu + sigma eps_s) w.r.t. (mu, sigma), by autograd on fresh leaves."""
    leaves = (mu.detach().clone().requires_grad_(True), sigma.detach().clone().requires_grad_(True))
    samples = leaves[0] + leaves[1] * eps
    grads = torch.autograd.grad(f(samples).sum() / eps.shape[0], leaves, allow_unused=True)
    return tuple(
        torch.zeros_like(leaf.detach()) if grad is None else grad
        for leaf, grad in zip(leaves, grads, strict=True)
    )


def bernoulli_score_grad(f0, f1, logit, u):
    """mean_s f(x_s) (x_s - sigmoid(logit)), x_s = [u_s < sigmoid(logit)]."""
    p = torch.sigmoid(logit)
    x = torch.where(u < p, 1.0, 0.0).to(u.dtype)
    f_x = torch.where(x == 1, u.new_tensor(f1), u.new_tensor(f0))
    return torch.dot(f_x, x - p) / u.shape[0]


def rbm_free_energy(v, W, b, c):
    """-b.v - sum_j softplus(c_j + W_j.v), the softplus as logaddexp(0, a) (exact, no threshold)."""
    activation = torch.addmm(c, v, W.T)
    return -torch.mv(v, b) - torch.logaddexp(torch.zeros_like(activation), activation).sum(dim=-1)
