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
# # Week 7: Generative models II (normalizing flows and diffusion)
# This week you implement two building blocks of generative modelling: the affine coupling layer
# of RealNVP, the invertible map with a cheap log-Jacobian that normalizing flows are stacked from,
# and the denoising score-matching loss that diffusion models are trained with.
#
# Conventions used throughout:
# - A flow's `forward` is the **generative** direction z -> x (latent to data); `inverse` is
#   x -> z. Both return the transformed tensor and the log-determinant of *their own* Jacobian,
#   one value per sample.
# - Randomness is always given to you as an argument (`noise`); never draw random numbers yourself.
# - Outputs keep the dtype and device of the inputs; inputs are never modified in place.
#
# Check your work with `ml4p check week07`.

# %%
"""Week 7 exercises: affine coupling flows and denoising score matching."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

# %% [markdown]
# ## Affine coupling layer (RealNVP)
# A normalizing flow turns a simple latent density into a data density by an invertible map
# x = f(z); the change of variables `ln p(x) = ln N(z) - ln|det dx/dz|` needs the log-determinant
# of the Jacobian. The coupling layer splits the coordinates by a mask: the "<" half is copied, and
# the other half is scaled and shifted by functions of the copied half. Its Jacobian is triangular,
# so the log-determinant is simply the sum of the log-scales, and the inverse is as cheap as the
# forward map, whatever the networks `s` and `t` are.


# %%
class AffineCoupling(nn.Module):
    r"""RealNVP affine coupling layer with a fixed binary mask.

    Exercise ``week07_generative2.AffineCoupling``.

    Direction convention: ``forward`` is the generative direction z -> x and ``inverse`` is x -> z.
    (NeuralRG's ``flow/rnvp.py`` uses the opposite names: its ``forward`` maps data to latent.)

    With ``m = mask`` as a float tensor (1 = coordinate of the "<" half, passed through unchanged,
    0 = coordinate that is transformed), the conditioner networks see only the masked input and
    their outputs are multiplied by ``(1 - m)``:

        s = s_net(z * m) * (1 - m),    t = t_net(z * m) * (1 - m)

    Args:
        mask: bool tensor of shape ``(D,)``; True marks the coordinates passed through.
        s_net: module mapping ``(B, D) -> (B, D)``, the log-scale network.
        t_net: module mapping ``(B, D) -> (B, D)``, the shift network.
    """

    def __init__(self, mask: torch.Tensor, s_net: nn.Module, t_net: nn.Module) -> None:
        super().__init__()
        self.register_buffer("mask", mask.to(torch.bool))
        self.s_net = s_net
        self.t_net = t_net

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        r"""Map latent z to data x and return the log-determinant of dx/dz per sample.

        Part of exercise ``week07_generative2.AffineCoupling``.

        Math (m = mask as float, "<" = masked half):
            s = s_net(z * m) * (1 - m),   t = t_net(z * m) * (1 - m)
            x = z * m + (1 - m) * (z * exp(s) + t)
            logdet = sum_i (1 - m_i) * s_i          (= ln|det dx/dz|, summed over the last dim)
        Args:
            z: latent batch, shape ``(B, D)``, float32 or float64, on the module's device.
        Returns:
            ``(x, logdet)``: ``x`` of shape ``(B, D)`` and ``logdet`` of shape ``(B,)``, both with
            the dtype and device of ``z``.
        Numerics:
            Masked coordinates (``mask`` True) must be passed through bit-exactly (``x[:, mask]``
            equals ``z[:, mask]``). ``logdet`` equals ``ln|det dx/dz|`` of the map z -> x (as an
            autograd Jacobian would give it). What ``s_net`` returns on the passed-through
            coordinates must not matter, even when it is huge (say 800): multiply by ``(1 - m)``
            before ``exp``. When ``s_net`` and ``t_net`` return exact zeros, ``x`` is exactly ``z``
            and ``logdet`` exactly 0. Gradients must reach ``z`` and the parameters of ``s_net`` and
            ``t_net``, through both ``x`` and ``logdet``.
        Allowed: elementwise torch ops, ``exp``, ``sum``, calling ``self.s_net`` and ``self.t_net``.
        Forbidden: ``torch.autograd.functional.jacobian``, ``torch.func.jacrev``,
        ``torch.func.jacfwd``, ``torch.linalg.slogdet``, ``torch.linalg.det``, ``torch.det``,
        ``torch.slogdet``, ``torch.logdet``, ``torch.linalg.inv``, ``torch.inverse`` (and the
        ``Tensor`` methods ``slogdet``, ``det``, ``logdet``): the log-determinant must come from
        ``s``. Inputs are never modified in place: do not modify ``z``.
        """
        ### BEGIN SOLUTION
        m = self.mask.to(dtype=z.dtype, device=z.device)
        z_masked = z * m
        s = self.s_net(z_masked) * (1 - m)
        t = self.t_net(z_masked) * (1 - m)
        x = z_masked + (1 - m) * (z * torch.exp(s) + t)
        logdet = ((1 - m) * s).sum(dim=-1)
        return x, logdet
        ### END SOLUTION

    def inverse(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        r"""Map data x back to latent z and return the log-determinant of dz/dx per sample.

        Part of exercise ``week07_generative2.AffineCoupling``.

        Math (m = mask as float; x * m equals z * m, so the networks see the same input as forward):
            s = s_net(x * m) * (1 - m),   t = t_net(x * m) * (1 - m)
            z = x * m + (1 - m) * (x - t) * exp(-s)
            logdet_inv = -sum_i (1 - m_i) * s_i     (= ln|det dz/dx| = -logdet of forward)
        Args:
            x: data batch, shape ``(B, D)``, float32 or float64, on the module's device.
        Returns:
            ``(z, logdet_inv)``: ``z`` of shape ``(B, D)`` and ``logdet_inv`` of shape ``(B,)``,
            both with the dtype and device of ``x``.
        Numerics:
            ``inverse`` is the exact inverse of ``forward``: ``inverse(forward(z)[0])[0]`` must
            reproduce ``z`` to round-off, also with a small *relative* error for large
            log-scales (s around 20): undo the shift first, then multiply by ``exp(-s)``. At
            ``x = forward(z)[0]``, ``logdet + logdet_inv = 0``. Masked coordinates must be passed
            through bit-exactly. When ``s_net`` and ``t_net`` return exact zeros, ``z`` is exactly
            ``x`` and ``logdet_inv`` exactly 0. Gradients must reach ``x`` and the parameters of
            ``s_net`` and ``t_net``.
        Allowed: elementwise torch ops, ``exp``, ``sum``, calling ``self.s_net`` and ``self.t_net``.
        Forbidden: ``torch.autograd.functional.jacobian``, ``torch.func.jacrev``,
        ``torch.func.jacfwd``, ``torch.linalg.slogdet``, ``torch.linalg.det``, ``torch.det``,
        ``torch.slogdet``, ``torch.logdet``, ``torch.linalg.inv``, ``torch.inverse`` (and the
        ``Tensor`` methods ``slogdet``, ``det``, ``logdet``). Inputs are never modified in place:
        do not modify ``x``.
        """
        ### BEGIN SOLUTION
        m = self.mask.to(dtype=x.dtype, device=x.device)
        x_masked = x * m
        s = self.s_net(x_masked) * (1 - m)
        t = self.t_net(x_masked) * (1 - m)
        z = x_masked + (1 - m) * (x - t) * torch.exp(-s)
        logdet_inv = -((1 - m) * s).sum(dim=-1)
        return z, logdet_inv
        ### END SOLUTION


# %% [markdown]
# ## Denoising score matching
# A diffusion model learns the score `grad_x ln p_sigma(x)` of the data smeared with Gaussian
# noise of width sigma. Explicit score matching needs that unknown score; Vincent's trick replaces
# it by the score of the *conditional* noise kernel,
# `grad ln q(x~ | x0) = -(x~ - x0) / sigma^2 = -noise / sigma`, and the resulting loss differs from
# the explicit one only by a constant. Minimising the denoising loss therefore gives the true
# smeared score.


# %%
def dsm_loss(
    score_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    x0: torch.Tensor,
    sigma: float | torch.Tensor,
    noise: torch.Tensor,
    weighting: str = "none",
) -> torch.Tensor:
    r"""Compute the denoising score-matching loss for injected Gaussian noise.

    Exercise ``week07_generative2.dsm_loss``.

    Math (per sample b, sums over all non-batch dims):
        x~_b = x0_b + sigma_b * noise_b
        l_b = 0.5 * || score_fn(x~, sigma)_b + noise_b / sigma_b ||^2
        weighting "none":   loss = mean_b l_b
        weighting "sigma2": loss = mean_b sigma_b^2 * l_b
                                 (= mean_b 0.5 * ||sigma_b * score_b + noise_b||^2)
    The regression target is the conditional score -noise/sigma (note the minus sign). With the
    exact conditional score ``score_fn(x~, sigma_b) = -(x~ - x0) / sigma_b^2`` every residual
    vanishes and the loss is 0.
    Args:
        score_fn: callable ``score_fn(x_tilde, sigma_b)`` returning a tensor shaped like
            ``x_tilde``; call it once, on the whole batch ``x_tilde`` of shape ``(B, ...)``.
            ``sigma_b`` is ALWAYS passed as a ``(B,)`` tensor with the dtype and device of ``x0``,
            also when ``sigma`` is a Python float.
        x0: clean data, shape ``(B, ...)`` (e.g. ``(B, D)`` or ``(B, C, H, W)``), float32 or
            float64.
        sigma: noise level, a Python float (same for all samples) or a tensor of shape ``(B,)`` (one
            per sample; broadcast over the non-batch dims, e.g. as ``sigma[:, None, None, None]``).
        noise: standard normal noise, same shape, dtype and device as ``x0``.
        weighting: ``"none"`` or ``"sigma2"``.
    Returns:
        Scalar tensor (shape ``()``) with the dtype and device of ``x0``, differentiable with
        respect to ``x0`` and to the parameters used by ``score_fn``.
    Raises:
        ValueError: for any other ``weighting``.
    Allowed: any torch operation that does not draw random numbers.
    Forbidden: drawing random numbers (``torch.randn``, ``torch.randn_like``, ``torch.rand``,
    ``torch.rand_like``, ``torch.normal``, ``Tensor.normal_``, ``Tensor.uniform_``): the noise is
    given. Inputs are never modified in place: do not modify ``x0``, ``sigma`` or ``noise``.
    """
    ### BEGIN SOLUTION
    if weighting not in ("none", "sigma2"):
        raise ValueError(f"unknown weighting {weighting!r}; use 'none' or 'sigma2'")
    batch = x0.shape[0]
    if isinstance(sigma, torch.Tensor):
        sigma_b = sigma.to(dtype=x0.dtype, device=x0.device).expand(batch)
    else:
        sigma_b = x0.new_full((batch,), float(sigma))
    sigma_bc = sigma_b.reshape((batch,) + (1,) * (x0.dim() - 1))
    x_tilde = x0 + sigma_bc * noise
    residual = score_fn(x_tilde, sigma_b) + noise / sigma_bc
    per_sample = 0.5 * (residual**2).reshape(batch, -1).sum(dim=1)
    if weighting == "sigma2":
        per_sample = per_sample * sigma_b**2
    return per_sample.mean()
    ### END SOLUTION


# %% [markdown]
# ## Flows: composition, density and training
# A flow is a chain of invertible layers: the log-determinants of the layers add up, and the change
# of variables gives the exact density of every sample.


# %% [markdown]
# ## Dynamics: Hamiltonian Monte Carlo, Langevin and diffusion
# Sampling by simulating dynamics: Hamiltonian dynamics with a symplectic integrator, Langevin
# dynamics driven by the score, and the noising processes of diffusion models.


# %% [markdown]
# ### Hamiltonian dynamics: the leapfrog integrator
# Hamiltonian Monte Carlo proposes moves by integrating Hamilton's equations for
# `H(q, p) = V(q) + p M^{-1} p / 2`. The Stormer-Verlet (leapfrog) scheme, a half kick of the
# momentum, a drift of the position and another half kick, is a composition of shears (each one an
# additive coupling layer): it is exactly volume preserving and symplectic, time reversible, and
# keeps the energy error bounded over arbitrarily many steps instead of letting it drift.


# %%
def leapfrog_step(
    q: torch.Tensor,
    p: torch.Tensor,
    grad_V: Callable[[torch.Tensor], torch.Tensor],
    dt: float,
    inv_mass: float | torch.Tensor = 1.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""One kick-drift-kick leapfrog (Stormer-Verlet) step of Hamiltonian dynamics.

    Exercise ``week07_generative2.leapfrog_step``.

    Math (H = V(q) + p M^{-1} p / 2, M^{-1} = ``inv_mass``):
        p_half = p - (dt / 2) * grad_V(q)          (half kick)
        q'     = q + dt * inv_mass * p_half         (drift)
        p'     = p_half - (dt / 2) * grad_V(q')     (half kick, at the NEW position)
    Args:
        q: positions, shape ``(B, n)``, float32 or float64.
        p: momenta, same shape, dtype and device as ``q``.
        grad_V: callable returning the gradient of the potential, ``(B, n) -> (B, n)``; call it
            on whole batches only.
        dt: time step, a Python float.
        inv_mass: inverse mass, a Python float or a tensor of shape ``(n,)`` (a diagonal mass
            matrix, broadcast over the batch).
    Returns:
        ``(q', p')``, both shaped like ``q``, with its dtype and device.
    Numerics:
        The step is time reversible: ``leapfrog_step(q', -p')`` gives back ``(q, -p)`` to
        round-off. It is symplectic: its Jacobian ``M = d(q', p')/d(q, p)`` satisfies
        ``M^T J M = J`` (``J = [[0, I], [-I, 0]]``) and ``ln|det M| = 0``, for any potential. For
        the harmonic oscillator ``V = w^2 q^2 / 2`` one step is the matrix
        ``[[1 - w^2 dt^2/2, dt], [-w^2 dt (1 - w^2 dt^2/4), 1 - w^2 dt^2/2]]`` and the modified
        energy ``p^2/2 + w^2 q^2/2 (1 - w^2 dt^2/4)`` is conserved exactly, over any number of
        steps. Gradients must reach ``q`` and ``p``.
    Properties the grader checks: values and gradients against the formula, reversibility, the
    harmonic one-step matrix, symplecticity of the autograd Jacobian for ``V = q^4/4 - cos q``,
    conservation of the modified energy over 40 steps.
    Allowed: any torch operation. Forbidden: drawing random numbers. Inputs are never modified
    in place: do not modify ``q`` or ``p``.
    """
    ### BEGIN SOLUTION
    p_half = p - 0.5 * dt * grad_V(q)
    q_new = q + dt * inv_mass * p_half
    p_new = p_half - 0.5 * dt * grad_V(q_new)
    return q_new, p_new
    ### END SOLUTION


# %% [markdown]
# ### Langevin dynamics
# The overdamped Langevin equation `dx = grad ln p(x) dt + sqrt(2) dW` has the density p as its
# stationary distribution, and it needs only the score `grad ln p`, which is what a diffusion model
# learns. Its Euler-Maruyama discretisation with time step eps/2 is the unadjusted Langevin
# algorithm, `x' = x + (eps/2) grad ln p(x) + sqrt(eps) xi`. The discretisation biases the chain:
# on a Gaussian target N(mu, s^2) it is stationary at variance s^2 / (1 - eps/(4 s^2)), not s^2.


# %%
def langevin_step(
    x: torch.Tensor,
    score_fn: Callable[[torch.Tensor], torch.Tensor],
    eps: float | torch.Tensor,
    noise: torch.Tensor,
) -> torch.Tensor:
    r"""One step of the unadjusted Langevin algorithm with injected Gaussian noise.

    Exercise ``week07_generative2.langevin_step``.

    Math (score_sde's Langevin corrector; the drift step is eps/2):
        x' = x + (eps / 2) * score_fn(x) + sqrt(eps) * noise
    Args:
        x: current states, shape ``(B, ...)``, float32 or float64.
        score_fn: callable returning the score ``grad ln p`` at its argument, shaped like it; call
            it once, on the whole batch ``x``.
        eps: step size, a Python float (the same for all samples) or a tensor of shape ``(B,)``
            (one per sample, broadcast over the non-batch dims, e.g. ``eps[:, None]``).
        noise: standard normal noise, same shape, dtype and device as ``x``.
    Returns:
        ``x'`` shaped like ``x``, with its dtype and device.
    Numerics:
        On a Gaussian target N(mu, s^2) the chain started at its stationary variance
        ``s^2 / (1 - eps/(4 s^2))`` stays there (for ``eps = 0.3``, ``s^2 = 1.5``: 1.5789).
        Gradients must reach ``x`` and the parameters used by ``score_fn``.
    Properties the grader checks: values against the formula for injected noise (float and
    per-sample eps), gradients, and the stationary variance of the discretised chain within 5
    standard errors on many chains.
    Allowed: any torch operation that does not draw random numbers. Forbidden: drawing random
    numbers (``torch.randn``, ``torch.randn_like``, ``torch.rand``, ``torch.normal``, ...): the
    noise is given. Inputs are never modified in place: do not modify ``x``, ``eps`` or ``noise``.
    """
    ### BEGIN SOLUTION
    if isinstance(eps, torch.Tensor):
        eps = eps.to(dtype=x.dtype, device=x.device).reshape((-1,) + (1,) * (x.dim() - 1))
        root = torch.sqrt(eps)
    else:
        root = eps**0.5
    return x + 0.5 * eps * score_fn(x) + root * noise
    ### END SOLUTION


# %% [markdown]
# ### Noising processes of diffusion models (score SDE)
# A diffusion model corrupts data x0 by a stochastic differential equation whose marginal at time
# t in [0, 1] is Gaussian, `x_t ~ N(mean(t, x0), std(t)^2 I)`. The variance-preserving SDE
# (DDPM) shrinks the data while it adds noise, so that mean_coeff^2 + std^2 = 1 at all times; the
# variance-exploding SDE (NCSN) keeps the data and adds noise of geometrically growing width.
# These marginals are what the denoising loss is trained on, at a random time per sample.


# %%
def vp_sde_marginal(
    x0: torch.Tensor, t: torch.Tensor, beta_min: float = 0.1, beta_max: float = 20.0
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Mean and standard deviation of the variance-preserving SDE's marginal at time t.

    Exercise ``week07_generative2.vp_sde_marginal``.

    Math (score_sde ``VPSDE.marginal_prob``; the noise rate is linear,
    beta(s) = beta_min + s (beta_max - beta_min), and the exponent is its integral over [0, t]):
        log_mean_coeff = -t^2 (beta_max - beta_min) / 4 - t beta_min / 2
        mean = exp(log_mean_coeff) * x0          (per sample, broadcast over the non-batch dims)
        std  = sqrt(1 - exp(2 log_mean_coeff))
    Args:
        x0: clean data, shape ``(B, ...)`` (e.g. ``(B, D)`` or ``(B, C, H, W)``), float32 or
            float64.
        t: times in ``[0, 1]``, shape ``(B,)``, one per sample, same dtype and device as ``x0``.
        beta_min, beta_max: Python floats, the noise rate at t = 0 and t = 1.
    Returns:
        ``(mean, std)``: ``mean`` shaped like ``x0``, ``std`` of shape ``(B,)``, both with the dtype
        and device of ``x0``.
    Numerics:
        ``mean_coeff^2 + std^2 = 1`` for every sample; at ``t = 0`` the mean is ``x0`` and the std
        0. For small t (say 1e-4, in float32) ``1 - exp(2 log_mean_coeff)`` cancels: compute it as
        ``-expm1(2 log_mean_coeff)``. Gradients must reach ``x0`` and ``t`` (for t > 0).
    Properties the grader checks: values against the formula, gradients w.r.t. ``x0`` and ``t``,
    ``mean_coeff^2 + std^2 = 1``, ``t = 0`` gives ``(x0, 0)``.
    Allowed: elementwise torch ops (``exp``, ``expm1``, ``sqrt``). Forbidden: drawing random
    numbers. Inputs are never modified in place: do not modify ``x0`` or ``t``.
    """
    ### BEGIN SOLUTION
    log_mean_coeff = -0.25 * t**2 * (beta_max - beta_min) - 0.5 * t * beta_min
    coeff = torch.exp(log_mean_coeff).reshape((-1,) + (1,) * (x0.dim() - 1))
    std = torch.sqrt(-torch.expm1(2.0 * log_mean_coeff))
    return coeff * x0, std
    ### END SOLUTION


# %% [markdown]
# The variance-exploding SDE leaves the data in place and adds noise whose width grows
# geometrically from sigma_min to sigma_max: `x_t ~ N(x0, std(t)^2 I)`.


# %%
def ve_sde_marginal(
    x0: torch.Tensor, t: torch.Tensor, sigma_min: float = 0.01, sigma_max: float = 50.0
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Mean and standard deviation of the variance-exploding SDE's marginal at time t.

    Exercise ``week07_generative2.ve_sde_marginal``.

    Math (score_sde ``VESDE.marginal_prob``):
        mean = x0
        std  = sigma_min * (sigma_max / sigma_min)^t
    Args:
        x0: clean data, shape ``(B, ...)``, float32 or float64.
        t: times in ``[0, 1]``, shape ``(B,)``, same dtype and device as ``x0``.
        sigma_min, sigma_max: Python floats, the noise width at t = 0 and t = 1.
    Returns:
        ``(mean, std)``: ``mean`` equal to ``x0`` (``x0`` itself or a copy), ``std`` of
        shape ``(B,)``, both with the dtype and device of ``x0``.
    Numerics:
        ``std`` grows geometrically from ``sigma_min`` at t = 0 to ``sigma_max`` at t = 1:
        ``ln std`` is linear in t. Gradients must reach ``x0`` and ``t``.
    Properties the grader checks: values against the formula, gradients w.r.t. ``x0`` and ``t``,
    ``t = 0`` gives ``(x0, sigma_min)``, ``ln std`` linear in t
    (``std(1) = sigma_max``).
    Allowed: elementwise torch ops. Forbidden: drawing random numbers. Inputs are never modified
    in place: do not modify ``x0`` or ``t``.
    """
    ### BEGIN SOLUTION
    std = sigma_min * (sigma_max / sigma_min) ** t
    return x0.clone(), std
    ### END SOLUTION
