# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Week 6: generative models I
# A generative model is a probability distribution you can sample from, fitted to data or to a
# Boltzmann distribution. In the first part you write the pieces of variational inference: the
# KL divergence of a Gaussian, the reparameterization trick, the evidence lower bound (ELBO) of a
# variational autoencoder and the variational free energy, which bounds the true free energy of a
# physical system from above. In the second part you estimate gradients of expectations (the score
# function and the pathwise estimators) and write the free energy of a restricted Boltzmann
# machine.
#
# Check your work with `ml4p check week06`. Conventions for every exercise: outputs keep the
# input's dtype and device, inputs are never modified in place, and randomness is passed in as an
# argument (`eps`, `u`), never drawn inside a function.

# %%
"""Week 6 exercises: variational inference (KL, reparameterization, ELBO, VAE loss, variational free
energy), Monte Carlo gradient estimators and the free energy of a restricted Boltzmann machine."""

from __future__ import annotations

from collections.abc import Callable

import torch

# %% [markdown]
# ## Part 1: variational inference
# Fit a simple distribution q to an intractable one p by minimizing KL(q || p); the bound it gives
# on ln p(x) (or on ln Z) is what the training minimizes.

# %% [markdown]
# ## Part 2: gradients of expectations, and Boltzmann machines
# The gradient of E_{x ~ p_theta}[f(x)] with respect to theta cannot be taken inside the samples
# naively: either differentiate the log-density (score function) or the sample itself (pathwise).

# %% [markdown]
# ### The score function estimator
# For x ~ p_theta, grad_theta E[f(x)] = E[f(x) grad_theta log p_theta(x)] (the score function, or
# REINFORCE, estimator): it needs only the values f(x) and the score of each sample, so f may be
# discontinuous or a black box. Any constant b may be subtracted from f, since E[grad log p] = 0:
# a good baseline keeps the mean and lowers the variance.


# %%
def score_function_grad(
    f_x: torch.Tensor, score: torch.Tensor, baseline: float | torch.Tensor | None = None
) -> torch.Tensor:
    r"""Estimate grad_theta E_{x ~ p_theta}[f(x)] with the score function estimator.

    Exercise ``week06_generative1.score_function_grad``.

    Math:
        g_k = (1/S) sum_s (f_x[s] - b) * score[s, k],   b = baseline (0 when ``None``)
        with score[s, k] = d log p_theta(x_s) / d theta_k for the samples x_s ~ p_theta.
    Args:
        f_x: the values f(x_s), shape ``(S,)``, float32 or float64, any device.
        score: the scores of the samples, shape ``(S, P)`` (P parameters), dtype and device of
            ``f_x``.
        baseline: ``None``, a Python float or a 0-d tensor (dtype and device of ``f_x``),
            subtracted from every ``f_x[s]``.
    Returns:
        The estimate, shape ``(P,)``, dtype and device of ``f_x``; differentiable (autograd) in
        ``f_x`` and ``score``.
    Properties the grader checks:
        on samples of N(mu, sigma^2) with f = x^2, (x - k)^2, e^x or a step function, the estimate
        agrees with the exact gradient within 5 standard errors; a constant baseline keeps the
        mean and lowers the variance (the grader calls your function on many batches of samples).
    Allowed:
        any torch operation.
    Forbidden:
        drawing random numbers (``torch.rand``, ``torch.randn``, ...): the samples are given.
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    if baseline is not None:
        f_x = f_x - baseline
    return (f_x[:, None] * score).mean(dim=0)
    ### END SOLUTION


# %% [markdown]
# ### The pathwise (reparameterization) estimator
# Write x = mu + sigma * eps with eps ~ N(0, 1): then E[f(x)] = E_eps[f(mu + sigma eps)] and the
# gradient moves inside, d/dmu = E[f'(x)], d/dsigma = E[f'(x) eps]. It usually has a much lower
# variance than the score function estimator, but needs f to be differentiable: for a step function
# f' = 0 almost everywhere and the pathwise estimate is 0, whatever the true gradient.


# %%
def pathwise_grad(
    f: Callable[[torch.Tensor], torch.Tensor],
    mu: torch.Tensor,
    sigma: torch.Tensor,
    eps: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Estimate the gradient of E_{x ~ N(mu, sigma^2)}[f(x)] w.r.t. mu and sigma, pathwise.

    Exercise ``week06_generative1.pathwise_grad``.

    Math:
        x_s    = mu + sigma * eps_s
        dmu    = (1/S) sum_s f'(x_s)
        dsigma = (1/S) sum_s f'(x_s) * eps_s
        i.e. the gradient of (1/S) sum_s f(mu + sigma eps_s) w.r.t. mu and sigma.
    Args:
        f: an elementwise function, ``(S,) -> (S,)`` in its input's dtype and device, differentiable
            by autograd (almost everywhere: a step function has derivative 0).
        mu, sigma: 0-d tensors (sigma > 0), float32 or float64, any device; they need not require
            grad.
        eps: standard normal draws, shape ``(S,)``, dtype and device of ``mu``.
    Returns:
        ``(dmu, dsigma)``, two 0-d tensors in the dtype and device of ``mu`` (detached or not).
    Properties the grader checks:
        for f = x^2, (x - k)^2 and e^x the estimates agree with the exact gradients (2 mu, 2 sigma;
        2 (mu - k), 2 sigma; e^{mu + sigma^2/2}, sigma e^{mu + sigma^2/2}) within 5 standard
        errors, with a lower variance than the score function estimator on the same samples
        (the grader calls your function on many batches); for a step function both are 0.
    Allowed:
        ``torch.autograd.grad`` (on copies of ``mu`` and ``sigma`` that require grad) or any torch
        operation.
    Forbidden:
        drawing random numbers (``torch.rand``, ``torch.randn``, ...): the noise is ``eps``.
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    mu = mu.detach().clone().requires_grad_(True)
    sigma = sigma.detach().clone().requires_grad_(True)
    estimate = f(mu + sigma * eps).mean()
    dmu, dsigma = torch.autograd.grad(estimate, (mu, sigma), allow_unused=True)
    zero = torch.zeros_like(mu.detach())
    return (zero if dmu is None else dmu), (zero if dsigma is None else dsigma)
    ### END SOLUTION


# %% [markdown]
# ### The score function estimator for a discrete variable
# For x ~ Bernoulli(p) with p = sigmoid(theta) there is no reparameterization, but the score
# function estimator works: d log p_theta(x) / d theta = x - sigmoid(theta), for x in {0, 1}.


# %%
def bernoulli_score_grad(
    f0: float, f1: float, logit: torch.Tensor, u: torch.Tensor
) -> torch.Tensor:
    r"""Estimate d/dtheta E_{x ~ Bernoulli(sigmoid(theta))}[f(x)] with the score function estimator.

    Exercise ``week06_generative1.bernoulli_score_grad``.

    Math:
        p   = sigmoid(theta),  x_s = 1 if u_s < p else 0        (strictly less)
        g   = (1/S) sum_s f(x_s) * (x_s - p),   f(0) = f0, f(1) = f1
        (x - p is the score d log p_theta(x) / d theta w.r.t. the logit theta.)
        Its mean is the exact gradient sigmoid'(theta) (f1 - f0) = p (1 - p) (f1 - f0).
    Args:
        f0, f1: the values f(0) and f(1), Python floats.
        logit: theta, a 0-d tensor, float32 or float64, any device.
        u: uniform draws in (0, 1), shape ``(S,)``, dtype and device of ``logit``.
    Returns:
        The estimate, a 0-d tensor in the dtype and device of ``logit``.
    Properties the grader checks:
        the estimate agrees with sigmoid'(theta) (f1 - f0) within 5 standard errors.
    Allowed:
        any torch operation.
    Forbidden:
        drawing random numbers (``torch.rand``, ``torch.bernoulli``, ...): the randomness is ``u``.
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    p = torch.sigmoid(logit)
    x = (u < p).to(u.dtype)
    f_x = f0 + (f1 - f0) * x
    return (f_x * (x - p)).mean()
    ### END SOLUTION


# %% [markdown]
# ### The free energy of a restricted Boltzmann machine
# An RBM has visible units v in {0, 1}^{n_v}, hidden units h in {0, 1}^{n_h} and the energy
# E(v, h) = -b.v - c.h - h.W v. The hidden units sum out in closed form, one at a time:
# F(v) = -log sum_h e^{-E(v, h)} = -b.v - sum_j softplus(c_j + W_j.v), with
# softplus(a) = log(1 + e^a). Trained RBMs have large weights: e^a overflows, while
# softplus(a) = max(a, 0) + log1p(e^{-|a|}) never does.


# %%
def rbm_free_energy(
    v: torch.Tensor, W: torch.Tensor, b: torch.Tensor, c: torch.Tensor
) -> torch.Tensor:
    r"""Compute the free energy F(v) of a batch of visible configurations of an RBM.

    Exercise ``week06_generative1.rbm_free_energy``.

    Math:
        F(v) = -sum_i b_i v_i - sum_j softplus(c_j + sum_i W_ji v_i),
        softplus(a) = log(1 + e^a),
        so that e^{-F(v)} = sum_{h in {0,1}^{n_h}} e^{-E(v, h)}, E(v, h) = -b.v - c.h - h.W v.
    Args:
        v: visible configurations, shape ``(B, n_v)``, entries 0 or 1 stored as float32 or
            float64, any device.
        W: couplings, shape ``(n_h, n_v)``; b: visible biases, shape ``(n_v,)``; c: hidden biases,
            shape ``(n_h,)``; all in the dtype and device of ``v``.
    Returns:
        F, shape ``(B,)``, dtype and device of ``v``; differentiable (autograd) in v, W, b, c.
    Numerics:
        Weights and biases up to 1e4 in size: F and its gradients must stay finite and accurate.
        log(1 + exp(a)) overflows (exp(89) is inf in float32, exp(710) in float64).
    Properties the grader checks:
        on all 2^{n_v} visible configurations, log sum_v e^{-F(v)} equals the exact ln Z of the
        RBM, summed over every (v, h).
    Allowed:
        any torch operation (``torch.nn.functional.softplus``, ``torch.logaddexp``, ...).
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    activation = v @ W.T + c
    return -(v @ b) - torch.nn.functional.softplus(activation).sum(dim=-1)
    ### END SOLUTION
