"""Hidden reference for week 6: variational inference, gradient estimators, Boltzmann machines,
autoregressive masks."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch.distributions import Bernoulli, Normal, kl_divergence

# ------------------------------------------------------------------------------ variational inference


def gaussian_kl_std_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """Reference for week06_generative1.gaussian_kl_std_normal: ``torch.distributions``'
    Normal-Normal KL, summed over the latent dimensions."""
    q = Normal(mu, torch.exp(0.5 * logvar))
    prior = Normal(torch.zeros_like(mu), torch.ones_like(mu))
    return kl_divergence(q, prior).sum(dim=-1)


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """Reference for week06_generative1.reparameterize: ``addcmul`` with the standard deviation
    ``sqrt(exp(logvar))``, mu and logvar expanded to the shape of ``eps``."""
    std = torch.sqrt(torch.exp(logvar))
    return torch.addcmul(mu.expand_as(eps), std.expand_as(eps), eps)


def neg_elbo(
    x: torch.Tensor,
    z: torch.Tensor,
    log_joint: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    log_q: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> torch.Tensor:
    """Reference for week06_generative1.neg_elbo: the sum over samples of ln p - ln q, negated
    and divided by K."""
    gap = log_joint(x, z) - log_q(z, x)
    return -gap.sum(dim=0) / z.shape[0]


def vae_loss(
    x: torch.Tensor,
    enc: Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]],
    dec: Callable[[torch.Tensor], torch.Tensor],
    eps: torch.Tensor,
    likelihood: str = "bernoulli",
    dec_logvar: float | torch.Tensor | None = None,
) -> torch.Tensor:
    """Reference for week06_generative1.vae_loss: ``torch.distributions``' Bernoulli (from logits)
    and Normal log-probabilities, samples always with a leading K dim, plus the reference KL."""
    mu, logvar = enc(x)
    samples = eps if eps.dim() == 3 else eps.unsqueeze(0)
    out = dec(reparameterize(mu, logvar, samples))
    if likelihood == "bernoulli":
        log_likelihood = Bernoulli(logits=out).log_prob(x.expand_as(out))
    elif likelihood == "gaussian":
        log_std = 0.5 * torch.as_tensor(0.0 if dec_logvar is None else dec_logvar, dtype=x.dtype)
        log_likelihood = Normal(out, log_std.exp().expand_as(out)).log_prob(x.expand_as(out))
    else:
        raise ValueError(f"unknown likelihood {likelihood!r}")
    return -log_likelihood.sum(dim=-1).mean(dim=0) + gaussian_kl_std_normal(mu, logvar)


def variational_free_energy(
    log_q: torch.Tensor, energy: torch.Tensor, beta: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Reference for week06_generative1.variational_free_energy: ``torch.std_mean`` (Bessel's
    correction) of ln q / beta + E."""
    std, mean = torch.std_mean(torch.add(energy, log_q, alpha=1 / beta), correction=1)
    return mean, std / math.sqrt(log_q.numel())


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


# ------------------------------------------------------------------------------ autoregressive models


def made_masks(d, hidden, order=None):
    """The MADE masks as products of one-hot degree matrices with triangular matrices of ones:
    mask = onehot(earlier degrees) @ T.T @ onehot(later degrees).T, T = tril(ones) (degree later
    >= earlier) between hidden layers and T = tril(ones, -1) (strictly greater) into the outputs;
    (in_features, out_features), the layout of W in x @ W + b."""
    order = torch.arange(d) if order is None else order.long()
    device = order.device
    ones = torch.ones(d, d, dtype=torch.long, device=device)
    at_least, above = torch.tril(ones), torch.tril(ones, diagonal=-1)
    # one-hot rows over the degrees 1..d (column index = degree - 1)
    layers = [torch.nn.functional.one_hot(order, d)]
    layers += [
        torch.nn.functional.one_hot(torch.remainder(torch.arange(width, device=device), d - 1), d)
        for width in hidden
    ]
    relations = [at_least] * len(hidden) + [above]
    targets = [*layers[1:], layers[0]]
    return [
        (source @ relation.T @ target.T).bool()
        for source, target, relation in zip(layers, targets, relations, strict=True)
    ]
