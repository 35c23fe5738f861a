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
# machine. An optional third part builds the masks that make an MLP autoregressive (MADE).
#
# Check your work with `ml4p check week06`. Conventions for every exercise: outputs keep the
# input's dtype and device, inputs are never modified in place, and randomness is passed in as an
# argument (`eps`, `u`), never drawn inside a function.
#
# The torch exercises are also graded on a GPU, emulated where the machine has none: there a tensor
# made without the input's device (make it with `device=x.device`, `x.new_zeros(...)` or
# `torch.zeros_like(x)`), a `.numpy()` or `.cpu()` round trip, or a float32 constant in float64
# work (`torch.tensor(0.1)` without `dtype=x.dtype`) costs the devices share of the points.

# %%
"""Week 6 exercises: variational inference (KL, reparameterization, ELBO, VAE loss, variational free
energy), Monte Carlo gradient estimators, the free energy of a restricted Boltzmann machine and
(optional) the masks of an autoregressive MADE network."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import torch

# %% [markdown]
# ## Part 1: variational inference
# Fit a simple distribution q to an intractable one p by minimizing KL(q || p); the bound it gives
# on ln p(x) (or on ln Z) is what the training minimizes.

# %% [markdown]
# ### The KL divergence of a diagonal Gaussian from the standard normal
# A VAE's encoder returns, for every input, the mean ``mu`` and the log-variance ``logvar`` of a
# diagonal Gaussian q(z|x) = N(mu, diag(exp(logvar))). Its KL divergence from the prior N(0, 1) has
# a closed form, one term per latent dimension. The network predicts the logarithm of the
# variance so that any real output is allowed: the variance itself is exp(logvar).


# %%
def gaussian_kl_std_normal(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    r"""KL divergence of N(mu, diag(exp(logvar))) from the standard normal, per sample.

    Exercise ``week06_generative1.gaussian_kl_std_normal``.

    Math:
        KL(q || N(0, 1))[b] = 1/2 * sum_k ( mu[b,k]^2 + exp(logvar[b,k]) - 1 - logvar[b,k] )
        summed (not averaged) over the latent dimensions k; the variance is exp(logvar).
    Args:
        mu: means, shape ``(B, d_z)``, float32 or float64, any device.
        logvar: log-variances ln sigma^2, same shape, dtype and device as ``mu``.
    Returns:
        The divergences, shape ``(B,)``, dtype and device of ``mu``.
    Numerics:
        Finite for logvar = +-30 (exp(30) = 1.1e13 is a finite float32). Differentiable (autograd)
        in ``mu`` and ``logvar``.
    Properties the grader checks:
        KL >= 0, and KL = 0 exactly at mu = 0, logvar = 0 (q is the prior).
    Allowed:
        any torch operation. Do not modify ``mu`` or ``logvar`` in place.
    """
    raise NotImplementedError(
        "week06_generative1.gaussian_kl_std_normal: KL divergence of N(mu, diag(exp(logvar))) from the standard normal, per sample."
    )


# %% [markdown]
# ### The reparameterization trick
# A sample z ~ N(mu, sigma^2) written as z = mu + sigma * eps, with eps ~ N(0, 1) drawn
# independently of mu and sigma, is a differentiable function of mu and sigma: gradients of a
# Monte Carlo estimate flow back into the encoder. Here sigma = exp(logvar / 2), and the noise is
# given, possibly K samples for every input at once.


# %%
def reparameterize(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    r"""Samples of N(mu, diag(exp(logvar))) as a differentiable function of mu and logvar.

    Exercise ``week06_generative1.reparameterize``.

    Math:
        z = mu + exp(logvar / 2) * eps          (the standard deviation is exp(logvar / 2))
        with eps of shape ``(B, d_z)`` (one sample per input) or ``(K, B, d_z)`` (K samples per
        input: mu and logvar broadcast over the leading K).
    Args:
        mu: means, shape ``(B, d_z)``, float32 or float64, any device.
        logvar: log-variances, same shape, dtype and device as ``mu``.
        eps: standard normal draws, shape ``(B, d_z)`` or ``(K, B, d_z)``, dtype and device of
            ``mu``.
    Returns:
        ``z``, the shape of ``eps``, dtype and device of ``mu``.
    Numerics:
        Finite for logvar = +-30. Gradients (autograd) reach ``mu`` and ``logvar``: do not detach
        them and do not compute under ``torch.no_grad()``.
    Allowed:
        any torch operation that does not draw random numbers.
    Forbidden:
        drawing random numbers (``torch.randn``, ``torch.randn_like``, ``torch.rand``,
        ``torch.normal``, ``Tensor.normal_``, ``torch.distributions`` and its samplers, ...): the
        noise is ``eps``.
        Do not modify ``mu``, ``logvar`` or ``eps`` in place.
    """
    raise NotImplementedError(
        "week06_generative1.reparameterize: Samples of N(mu, diag(exp(logvar))) as a differentiable function of mu and logvar."
    )


# %% [markdown]
# ### The negative evidence lower bound
# For any distribution q(z|x), ln p(x) = ELBO + KL(q(z|x) || p(z|x)) >= ELBO, with
# ELBO = E_{z ~ q}[ln p(x, z) - ln q(z|x)]. Its negative, estimated by averaging over K samples
# z ~ q, is the loss of variational inference (Eq. 53). At the exact posterior q = p(z|x) every
# single sample gives ln q(z|x) - ln p(x, z) = -ln p(x): the estimator has zero variance.


# %%
def neg_elbo(
    x: torch.Tensor,
    z: torch.Tensor,
    log_joint: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    log_q: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> torch.Tensor:
    r"""Monte Carlo estimate of -ELBO(x) from K samples z ~ q(z|x) (Eq. 53).

    Exercise ``week06_generative1.neg_elbo``.

    Math:
        -ELBO[b] = 1/K * sum_k ( ln q(z[k,b] | x[b]) - ln p(x[b], z[k,b]) )
        the mean over the K samples (dim 0), one value per input.
    Args:
        x: the data, shape ``(B, ...)``, float32 or float64, any device.
        z: samples of q(z|x), shape ``(K, B, d_z)``, dtype and device of ``x``.
        log_joint: ``log_joint(x, z) -> (K, B)``, ln p(x, z) for every sample (note the order:
            x first).
        log_q: ``log_q(z, x) -> (K, B)``, ln q(z | x) for every sample (z first).
    Returns:
        ``-ELBO``, shape ``(B,)``, dtype and device of ``x``.
    Numerics:
        Differentiable (autograd) through ``z`` and through whatever parameters the two callables
        use.
    Properties the grader checks (linear-Gaussian model p(z) = N(0, 1), p(x|z) = N(a z + b, s^2)):
        at the exact posterior every single sample gives -ln p(x) exactly; for a Gaussian q the
        estimate agrees with the closed form within 5 standard errors; -ELBO >= -ln p(x).
    Allowed:
        any torch operation; call each callable once on the whole ``(K, B, d_z)`` batch.
        Do not modify ``x`` or ``z`` in place.
    """
    raise NotImplementedError(
        "week06_generative1.neg_elbo: Monte Carlo estimate of -ELBO(x) from K samples z ~ q(z|x) (Eq. 53)."
    )


# %% [markdown]
# ### The VAE loss
# A variational autoencoder trains an encoder q(z|x) = N(mu(x), diag(exp(logvar(x)))) and a
# decoder p(x|z) together, by minimizing -ELBO written as a reconstruction term and a KL term
# (Eq. 54): -ELBO = -E_{z ~ q}[ln p(x|z)] + KL(q(z|x) || N(0, 1)). The expectation is estimated with
# reparameterized samples, the KL is exact. The decoder returns logits for binary data
# (Bernoulli likelihood) or means for real data (Gaussian likelihood).


# %%
def vae_loss(
    x: torch.Tensor,
    enc: Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]],
    dec: Callable[[torch.Tensor], torch.Tensor],
    eps: torch.Tensor,
    likelihood: str = "bernoulli",
    dec_logvar: float | torch.Tensor | None = None,
) -> torch.Tensor:
    r"""The negative ELBO of a VAE, per input (Eq. 54).

    Exercise ``week06_generative1.vae_loss``.

    Math:
        mu, logvar = enc(x);  z = mu + exp(logvar / 2) * eps;  out = dec(z)
        loss[b] = 1/K sum_k ( -ln p(x[b] | z[k,b]) ) + KL(N(mu[b], exp(logvar[b])) || N(0, 1))
        with -ln p(x|z) summed (not averaged) over the d_x data dimensions:
        'bernoulli': out are logits l,  -ln p(x|z) = sum_j [ softplus(l_j) - x_j l_j ]
                     (binary cross-entropy with logits, reduction 'none', then the sum over j);
        'gaussian':  out are means m, variance exp(dec_logvar) (dec_logvar None means 0),
                     -ln p(x|z) = 1/2 sum_j [ (x_j - m_j)^2 / exp(dec_logvar_j) + dec_logvar_j
                     + ln(2 pi) ].
        With eps of shape ``(B, d_z)`` there is one sample (K = 1, no sample dim).
    Args:
        x: the data, shape ``(B, d_x)``, float32 or float64, any device (0 or 1 for 'bernoulli').
        enc: ``enc(x) -> (mu, logvar)``, each of shape ``(B, d_z)``.
        dec: ``dec(z) -> out``, maps ``(..., d_z)`` to ``(..., d_x)`` (any leading dims).
        eps: standard normal draws, shape ``(K, B, d_z)`` or ``(B, d_z)``, dtype of ``x``.
        likelihood: 'bernoulli' or 'gaussian'; anything else raises ``ValueError``.
        dec_logvar: for 'gaussian' only: the decoder's log-variance, a Python float or a tensor
            of shape ``(d_x,)``; None means unit variance.
    Returns:
        The loss, shape ``(B,)``, dtype and device of ``x``.
    Numerics:
        Finite for Bernoulli logits of +-1e4 (never take the log of a sigmoid).
        Differentiable (autograd) in ``x`` and in the parameters of ``enc`` and ``dec``.
    Properties the grader checks:
        for the linear-Gaussian model (p(z) = N(0, 1), p(x|z) = N(a z + b, s^2)) and a Gaussian
        encoder the estimate agrees with the closed-form -ELBO within 5 standard errors.
    Allowed:
        any torch operation, ``torch.nn.functional.binary_cross_entropy_with_logits`` (mind its
        default reduction), the ``log_prob`` of ``torch.distributions``, your own
        ``gaussian_kl_std_normal`` and ``reparameterize``; call ``enc`` once and ``dec`` once on
        the whole batch of samples.
    Forbidden:
        drawing random numbers (``torch.randn``, ``torch.rand``, ``torch.normal``, ...): the noise
        is ``eps``. Do not modify ``x`` or ``eps`` in place.
    """
    raise NotImplementedError(
        "week06_generative1.vae_loss: The negative ELBO of a VAE, per input (Eq. 54)."
    )


# %% [markdown]
# ### The variational free energy
# A normalized model q(x) that can be sampled from also bounds the free energy of a Boltzmann
# distribution p(x) = exp(-beta E(x)) / Z: F = E_{x ~ q}[ln q(x) / beta + E(x)]
# = -ln Z / beta + KL(q || p) / beta >= -ln Z / beta. Given samples x_i ~ q with their ln q(x_i)
# and energies E(x_i), estimate F and its standard error.


# %%
def variational_free_energy(
    log_q: torch.Tensor, energy: torch.Tensor, beta: float
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Monte Carlo estimate of the variational free energy and its standard error.

    Exercise ``week06_generative1.variational_free_energy``.

    Math:
        f_i      = ln q(x_i) / beta + E(x_i)            for samples x_i ~ q, i = 1..B
        F_mean   = 1/B sum_i f_i
        F_stderr = std(f) / sqrt(B), with the unbiased std, sqrt( sum_i (f_i - F_mean)^2 / (B-1) )
    Args:
        log_q: ln q(x_i), shape ``(B,)`` with B >= 2, float32 or float64, any device.
        energy: E(x_i), same shape, dtype and device.
        beta: the inverse temperature, a positive Python float.
    Returns:
        ``(F_mean, F_stderr)``, two 0-dim tensors of the dtype and device of ``log_q``.
    Properties the grader checks:
        with the exact sampler of the Gaussian target E = x^T A x, A = [[1, 1], [1, 2]], beta = 1,
        every f_i equals -ln pi: F_mean = -ln pi and F_stderr = 0; for a mismatched Gaussian q,
        F_mean agrees with -ln Z / beta + KL(q || p) / beta within 5 standard errors.
    Allowed:
        any torch operation. Do not modify ``log_q`` or ``energy`` in place.
    """
    raise NotImplementedError(
        "week06_generative1.variational_free_energy: Monte Carlo estimate of the variational free energy and its standard error."
    )


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
    raise NotImplementedError(
        "week06_generative1.score_function_grad: Estimate grad_theta E_{x ~ p_theta}[f(x)] with the score function estimator."
    )


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
    raise NotImplementedError(
        "week06_generative1.pathwise_grad: Estimate the gradient of E_{x ~ N(mu, sigma^2)}[f(x)] w.r.t. mu and sigma, pathwise."
    )


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
    raise NotImplementedError(
        "week06_generative1.bernoulli_score_grad: Estimate d/dtheta E_{x ~ Bernoulli(sigmoid(theta))}[f(x)] with the score function estimator."
    )


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
    raise NotImplementedError(
        "week06_generative1.rbm_free_energy: Compute the free energy F(v) of a batch of visible configurations of an RBM."
    )


# %% [markdown]
# ## Part 3 (optional): autoregressive models
# An autoregressive model writes a density as a product of conditionals,
# p(x) = prod_i p(x_i | x_<i), in some order of the variables. One network can output every
# conditional at once if output i is built only from the inputs that come before i in the order:
# its Jacobian d out / d x is then strictly triangular (after permuting by the order), and the
# log-density is a single forward pass.

# %% [markdown]
# ### The masks of MADE (optional)
# MADE (Germain et al. 2015) turns an ordinary MLP into an autoregressive one by multiplying each
# weight matrix by a fixed 0/1 mask. Every unit gets a degree: input j has degree order[j] + 1 (its
# position in the order, counted from 1), every hidden unit a degree in 1, ..., d - 1, the largest
# input degree it may depend on. A hidden unit connects to units of the layer below whose degree is
# at most its own; output i may only see degrees strictly below its own, order[i] + 1, so that it
# never sees x_i itself. The autoregressive property then holds for any weights.


# %%
def made_masks(d: int, hidden: list[int], order: torch.Tensor | None = None) -> list[torch.Tensor]:
    r"""Build the connectivity masks of a MADE network (optional exercise).

    Exercise ``week06_generative1.made_masks``.

    Math:
        Degrees (all counted from 1):
            input j, j = 0, ..., d - 1:            m_in(j) = order[j] + 1          (1, ..., d)
            unit k of EVERY hidden layer:           m(k)    = (k mod (d - 1)) + 1   (1, ..., d - 1)
            output i (it predicts x_i):             m_out(i) = order[i] + 1
        Masks, one per linear layer, mask[in_unit, out_unit] = True where the connection is kept:
            input -> hidden and hidden -> hidden:   m(out_unit) >= m(in_unit)
            last layer -> output:                   m_out(i) >  m(in_unit)       (strictly)
        With no hidden layer the single mask connects input j to output i iff order[j] < order[i].
    Args:
        d: the number of inputs (= the number of outputs), d >= 2.
        hidden: the widths of the hidden layers, a list of positive ints, possibly empty. Widths
            of at least d - 1 contain every degree 1, ..., d - 1 and give a network in which
            output i depends on every x_j with order[j] < order[i]. Narrower layers are allowed:
            they miss some degrees, the rule above is applied as it stands and some of those
            dependencies are lost (the network stays autoregressive).
        order: a permutation of 0, ..., d - 1 as a LongTensor of shape ``(d,)``: ``order[j]`` is the
            position of input j in the autoregressive order (the first variable has position 0).
            ``None`` means the identity order 0, 1, ..., d - 1.
    Returns:
        A list (a tuple is accepted) of ``len(hidden) + 1`` bool tensors, one per linear layer, in
        the layout of the course's weights ``W`` in ``x @ W + b``, (in_features, out_features):
        shapes ``(d, hidden[0]), (hidden[0], hidden[1]), ..., (hidden[-1], d)``; ``[(d, d)]`` when
        ``hidden`` is empty. A masked layer computes ``x @ (W * mask) + b``. On the device of ``order`` (the CPU when ``order`` is None).
    Numerics:
        Exact: integer degrees and comparisons, no floating point.
    Properties the grader checks:
        the masks equal the rule above exactly (dtype bool, shapes as listed); an MLP with smooth
        activations whose weights are multiplied by your masks is autoregressive: for random
        weights, d out_i / d x_j = 0 whenever order[j] >= order[i] (in particular out_i never
        depends on x_i), and d out_i / d x_j != 0 whenever order[j] < order[i] (hidden widths of
        at least d - 1: nothing allowed is lost).
    Allowed:
        any torch operation.
    Do not modify the inputs in place.
    """
    raise NotImplementedError(
        "week06_generative1.made_masks: Build the connectivity masks of a MADE network (optional exercise)."
    )
