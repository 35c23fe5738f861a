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
#
# The torch exercises are also graded on a GPU, emulated where the machine has none: there a tensor
# made without the input's device (make it with `device=x.device`, `x.new_zeros(...)` or
# `torch.zeros_like(x)`), a `.numpy()` or `.cpu()` round trip, or a float32 constant in float64
# work (`torch.tensor(0.1)` without `dtype=x.dtype`) costs the devices share of the points.

# %%
"""Week 7 exercises: affine coupling flows and denoising score matching."""

from __future__ import annotations

import math
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
        raise NotImplementedError(
            "week07_generative2.AffineCoupling.forward: Map latent z to data x and return the log-determinant of dx/dz per sample."
        )

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
        raise NotImplementedError(
            "week07_generative2.AffineCoupling.inverse: Map data x back to latent z and return the log-determinant of dz/dx per sample."
        )


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
    raise NotImplementedError(
        "week07_generative2.dsm_loss: Compute the denoising score-matching loss for injected Gaussian noise."
    )


# %% [markdown]
# ## Flows: composition, density and training
# A flow is a chain of invertible layers: the log-determinants of the layers add up, and the change
# of variables gives the exact density of every sample.


# %% [markdown]
# ### Composing a flow: forward map and exact density
# A flow is a list of invertible layers applied one after the other, each returning its output
# and the log-determinant of its own Jacobian. The log-determinants of a composition add up, so
# `flow_forward` carries a running sum; `flow_log_prob` runs the layers backwards with their
# `inverse` and applies the change of variables `ln p(x) = ln N(z; 0, I) - ln|det dx/dz|`. An
# affine flow x = a z + b must give exactly the Gaussian N(b, a^2), and the density of any flow
# integrates to one.


# %%
def flow_forward(layers: list, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Push latent samples through a flow and accumulate the log-determinant.

    Exercise ``week07_generative2.flow_forward``.

    Math (layers f_1, ..., f_K applied in list order, generative direction z -> x):
        h_0 = z,   (h_k, l_k) = f_k(h_{k-1}),   x = h_K
        logdet = sum_k l_k = ln|det dx/dz|   (the log-determinants of a composition add up)
    Args:
        layers: list (possibly empty) of invertible layers; ``layer(h)`` (its ``forward``) returns
            ``(out, logdet)`` with ``out`` of shape ``(B, D)`` and ``logdet`` of shape ``(B,)``.
            They are given: do not build or change them.
        z: latent samples, shape ``(B, D)``, float32 or float64.
    Returns:
        ``(x, logdet)``: ``x`` of shape ``(B, D)`` and ``logdet`` of shape ``(B,)``, both with the
        dtype and device of ``z``. An empty flow is the identity with ``logdet`` a ``(B,)`` tensor
        of zeros.
    Numerics: differentiable with respect to ``z`` and to the layers' parameters.
    Properties the grader checks: an empty flow is the identity; two affine layers
    ``x = a z + b`` give ``x = a_2 (a_1 z + b_1) + b_2`` and ``logdet = sum_i ln|a_1 a_2|_i``.
    Allowed: any torch operation and the layers' own methods. Do not modify inputs in place.
    """
    raise NotImplementedError(
        "week07_generative2.flow_forward: Push latent samples through a flow and accumulate the log-determinant."
    )


# %% [markdown]
# The density runs the flow backwards: each layer's `inverse` maps x towards the latent and
# returns the log-determinant of the inverse map, and these add to the latent Gaussian's
# log-density.


# %%
def flow_log_prob(layers: list, x: torch.Tensor) -> torch.Tensor:
    r"""Exact log-density of a flow with a standard normal latent.

    Exercise ``week07_generative2.flow_log_prob``.

    Math (the flow maps z -> x with layers f_1, ..., f_K in list order):
        invert from the last layer to the first: h_K = x,  (h_{k-1}, m_k) = f_k.inverse(h_k),
        z = h_0,  ln p(x) = ln N(z; 0, I_D) + sum_k m_k
                          = -0.5 ||z||^2 - (D/2) ln(2 pi) - ln|det dx/dz|
        (each ``m_k`` is the log-determinant of the *inverse* layer, ``-l_k``).
    Args:
        layers: list (possibly empty) of invertible layers; ``layer.inverse(h)`` returns
            ``(out, logdet_inv)`` with shapes ``(B, D)`` and ``(B,)``. Do not change them.
        x: data points, shape ``(B, D)``, float32 or float64.
    Returns:
        ``(B,)`` tensor of ``ln p(x)`` with the dtype and device of ``x``.
    Numerics: differentiable with respect to ``x`` and the layers' parameters.
    Properties the grader checks: an affine flow ``x = a z + b`` gives exactly the density of
    ``N(b, a^2)``; the 2-D density of a flow of two couplings integrates to 1 on a grid.
    Allowed: any torch operation and the layers' own methods. Do not modify inputs in place.
    """
    raise NotImplementedError(
        "week07_generative2.flow_log_prob: Exact log-density of a flow with a standard normal latent."
    )


# %% [markdown]
# ### Training a flow by the reverse Kullback-Leibler divergence
# When the target is known only up to its normalisation, `pi(x) = exp(log_target_unnorm(x)) / Z`,
# a flow q is trained on its own samples x = f(z): the loss `E_z[ln q(x) - ln pi~(x)]` is the
# variational free energy, bounded below by `-ln Z` with equality when q = pi. Since x is a
# differentiable function of the latent z (reparametrisation), the gradient flows to the flow's
# parameters through the samples.


# %%
def reverse_kl_loss(
    layers: list,
    log_target_unnorm: Callable[[torch.Tensor], torch.Tensor],
    z: torch.Tensor,
) -> torch.Tensor:
    r"""Reverse-KL (variational free energy) loss of a flow on its own reparametrised samples.

    Exercise ``week07_generative2.reverse_kl_loss``.

    Math (the flow maps z -> x; q is the flow's density with latent N(0, I_D)):
        x = f(z),  ln q(x) = ln N(z; 0, I_D) - ln|det dx/dz|
        loss = mean_b [ ln q(x_b) - log_target_unnorm(x_b) ]  >=  -ln Z
    ``ln q(x)`` is computed from z and the forward log-determinant (no inverse needed).
    Args:
        layers: list of invertible layers; ``layer(h)`` returns ``(out, logdet)`` with shapes
            ``(B, D)`` and ``(B,)``. Do not change them.
        log_target_unnorm: callable mapping ``(B, D)`` samples to ``(B,)`` values of
            ``ln pi~(x) = -E(x)``; call it once, on the whole batch.
        z: latent samples drawn from N(0, I_D), shape ``(B, D)``, float32 or float64.
    Returns:
        Scalar tensor (shape ``()``) with the dtype and device of ``z``, differentiable with respect
        to ``z`` and to the layers' parameters (the reparametrisation gradient).
    Properties the grader checks: when the flow maps N(0, I) exactly onto the normalised target
    ``pi`` the loss equals ``-ln Z`` for every z (zero variance); e.g. x = L z with
    ``L L^T = (2A)^{-1}`` for ``pi~ = exp(-x^T A x)``, where ``-ln Z = -(D/2) ln pi + (1/2) ln det A``.
    Allowed: any torch operation that does not draw random numbers.
    Forbidden: drawing random numbers (``torch.randn``, ``torch.randn_like``, ``torch.rand``,
    ``torch.rand_like``, ``torch.normal``, ``Tensor.normal_``): the samples are given. Do not
    modify inputs in place.
    """
    raise NotImplementedError(
        "week07_generative2.reverse_kl_loss: Reverse-KL (variational free energy) loss of a flow on its own reparametrised samples."
    )


# %% [markdown]
# ### Divergence of a velocity field: exact and Hutchinson's estimator
# A continuous flow moves samples with a velocity field v(x, t), and the log-density follows
# `d ln p / dt = -div v`. The exact divergence needs the diagonal of the Jacobian, one
# backward pass per coordinate. Hutchinson's trick estimates it with a single vector-Jacobian
# product: for noise with `E[e e^T] = I`, `E[e^T (dv/dx) e] = tr(dv/dx)`. With Rademacher noise
# (entries +-1) the estimate is exact for a diagonal Jacobian; its variance is
# `2 sum_{i != j} S_ij^2` (S the symmetric part of the Jacobian), and `2 ||S||_F^2` for Gaussian
# noise.


# %%
def exact_divergence(v_fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    r"""Exact divergence of a vector field, per sample, by autograd.

    Exercise ``week07_generative2.exact_divergence``.

    Math: for v: R^D -> R^D applied to each sample on its own,
        div v(x_b) = sum_i d v_i / d x_i (x_b) = tr(dv/dx (x_b)).
    Args:
        v_fn: callable mapping ``(B, D)`` to ``(B, D)``, sample by sample (sample b of the output
            depends only on sample b of the input).
        x: points, shape ``(B, D)``, float32 or float64.
    Returns:
        ``(B,)`` tensor of divergences with the dtype and device of ``x``, differentiable with
        respect to ``x`` and to the parameters used by ``v_fn`` (build the graph:
        ``create_graph=True``).
    Numerics: take derivatives with ``torch.autograd.grad`` on a copy of ``x`` that requires grad
        (``x.detach().requires_grad_(True)`` would cut the gradient with respect to ``x``: use e.g.
        ``x.clone().requires_grad_(True)`` when ``x`` does not require grad, else ``x`` itself).
    Properties the grader checks: a linear field ``v = x A^T`` has divergence ``tr A`` everywhere.
    Allowed: ``torch.autograd.grad``, ``torch.autograd.functional.jacobian``, ``torch.func``.
    Forbidden: finite differences are not accurate enough. Do not modify inputs in place.
    """
    raise NotImplementedError(
        "week07_generative2.exact_divergence: Exact divergence of a vector field, per sample, by autograd."
    )


# %% [markdown]
# Hutchinson's estimator replaces the D backward passes by one: the vector-Jacobian product
# `noise^T (dv/dx)`, dotted with the same noise. The noise is given to you, one probe per sample.


# %%
def hutchinson_divergence(
    v_fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, noise: torch.Tensor
) -> torch.Tensor:
    r"""Hutchinson's stochastic estimate of the divergence, with one vector-Jacobian product.

    Exercise ``week07_generative2.hutchinson_divergence``.

    Math (per sample b, J_b = dv/dx at x_b, e_b = noise_b with E[e e^T] = I):
        estimate_b = e_b^T J_b e_b = sum_{i,j} e_{b,i} (J_b)_{ij} e_{b,j},
    computed as the vector-Jacobian product ``(e_b^T J_b)`` (one ``torch.autograd.grad`` of
    ``(v * noise).sum()`` with respect to the input) followed by a dot product with ``e_b``.
    Unbiased: ``E[estimate] = tr J``. Rademacher noise: exact for a diagonal J, variance
    ``2 sum_{i != j} S_ij^2`` with ``S = (J + J^T)/2``; Gaussian noise: variance ``2 ||S||_F^2``.
    Args:
        v_fn: callable mapping ``(B, D)`` to ``(B, D)``, sample by sample.
        x: points, shape ``(B, D)``, float32 or float64.
        noise: probe vectors, shape ``(B, D)``, same dtype and device as ``x`` (Rademacher or
            Gaussian; one probe per sample). Never draw them yourself.
    Returns:
        ``(B,)`` tensor with the dtype and device of ``x``, differentiable with respect to ``x``
        and the parameters used by ``v_fn`` (``create_graph=True``).
    Properties the grader checks: exact for a diagonal linear field with Rademacher noise; the
    average over many injected probes is unbiased within 5 standard errors, and its variance is
    the Rademacher / Gaussian formula above.
    Allowed: one ``torch.autograd.grad`` call.
    Forbidden: full Jacobians (``torch.autograd.functional.jacobian``, ``torch.func.jacrev``,
    ``torch.func.jacfwd``) and drawing random numbers (``torch.randn``, ``torch.randn_like``,
    ``torch.rand``, ``torch.rand_like``, ``torch.randint``, ``torch.normal``). Do not modify
    inputs in place.
    """
    raise NotImplementedError(
        "week07_generative2.hutchinson_divergence: Hutchinson's stochastic estimate of the divergence, with one vector-Jacobian product."
    )


# %% [markdown]
# ## Dynamics: Hamiltonian Monte Carlo, Langevin and diffusion
# Sampling by simulating dynamics: Hamiltonian dynamics with a symplectic integrator and the
# Monte Carlo sampler built on it, Langevin dynamics driven by the score and its annealed version
# over decreasing noise levels, and the noising processes of diffusion models.


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
    raise NotImplementedError(
        "week07_generative2.leapfrog_step: One kick-drift-kick leapfrog (Stormer-Verlet) step of Hamiltonian dynamics."
    )


# %% [markdown]
# ### Hamiltonian Monte Carlo
# To sample `p(q) = exp(-V(q)) / Z`, HMC draws a fresh momentum `p0 ~ N(0, I)`, integrates Hamilton's
# equations for `H(q, p) = V(q) + |p|^2/2` with n_leap leapfrog steps, and accepts the end point
# with the Metropolis probability `min(1, exp(-(H_new - H_old)))`. Leapfrog is reversible and
# volume preserving, so this test, on the change of the *total* energy, leaves
# `exp(-H) = exp(-V) N(p; 0, I)` and therefore the target `exp(-V)` exactly invariant, whatever the
# step size: a large dt only lowers the acceptance rate.


# %%
def hmc_step(
    q: torch.Tensor,
    energy_fn: Callable[[torch.Tensor], torch.Tensor],
    dt: float,
    n_leap: int,
    p0: torch.Tensor,
    log_u: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""One Hamiltonian Monte Carlo transition (unit mass) with injected momenta and uniforms.

    Exercise ``week07_generative2.hmc_step``.

    Math (per sample b; H(q, p) = V(q) + |p|^2 / 2, V = ``energy_fn``):
        (q*, p*) = n_leap kick-drift-kick leapfrog steps of size dt from (q_b, p0_b), with
                   grad V from autograd and inv_mass = 1
        accepted_b = log_u_b < -(H(q*, p*) - H(q_b, p0_b))       (strictly less)
        q_new_b = q*   where accepted_b,   q_b   elsewhere
    Args:
        q: current positions, shape ``(B, n)``, float32 or float64.
        energy_fn: callable ``(B, n) -> (B,)`` giving the potential V of each sample; differentiable
            by autograd. Take its gradient yourself, e.g. with ``torch.autograd.grad`` on
            ``energy_fn(x).sum()``, inside ``torch.enable_grad()``: ``hmc_step`` must work also when
            it is called under ``torch.no_grad()`` (as sampling loops usually are).
        dt: leapfrog time step, a Python float.
        n_leap: number of leapfrog steps, a Python int >= 1.
        p0: initial momenta, standard normal, same shape, dtype and device as ``q``.
        log_u: logarithms of uniform numbers, shape ``(B,)``, same dtype and device as ``q``.
    Returns:
        ``(q_new, accepted)``: ``q_new`` shaped like ``q`` with its dtype and device, carrying no
        autograd graph (``q_new.requires_grad`` is False); ``accepted`` a bool tensor of shape
        ``(B,)`` on ``q``'s device. The momenta are not returned (HMC draws fresh ones each step).
    Numerics:
        ``log_u = -inf`` accepts every proposal: ``q_new`` is then the end of n_leap leapfrog steps;
        ``log_u = +inf`` rejects every one: ``q_new`` equals ``q``. A proposal whose energy is nan
        is rejected (the comparison is False). Chains started from the target ``exp(-V)`` stay
        distributed as the target after any number of transitions.
    Properties the grader checks: ``accepted`` and ``q_new`` against the formula for injected
    ``p0`` and ``log_u``, the call under ``torch.no_grad()``, ``q_new`` without autograd graph, the
    all-accept and all-reject limits, and that 10000 chains started from a correlated Gaussian
    target keep its mean and covariance over three transitions (within 5 standard errors).
    Allowed: any torch operation that does not draw random numbers; you may call your own
    ``leapfrog_step`` above (it is then graded as part of this exercise). Forbidden: drawing random
    numbers (``torch.randn``, ``torch.rand``, ``torch.normal``, ...): ``p0`` and ``log_u`` are given.
    Inputs are never modified in place: do not modify ``q``, ``p0`` or ``log_u``.
    """

    raise NotImplementedError(
        "week07_generative2.hmc_step: One Hamiltonian Monte Carlo transition (unit mass) with injected momenta and uniforms."
    )


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
    raise NotImplementedError(
        "week07_generative2.langevin_step: One step of the unadjusted Langevin algorithm with injected Gaussian noise."
    )


# %% [markdown]
# ### Annealed Langevin dynamics (NCSN)
# A score network trained by denoising score matching knows the score of the data smeared at each
# noise level sigma. Far from the data the score of the sharp density is unreliable, so annealed
# Langevin dynamics (Song and Ermon 2019) runs Langevin steps at a decreasing sequence of noise
# levels `sigma_1 > ... > sigma_L`, with the step size scaled as `alpha_i = eps0 sigma_i^2 / sigma_L^2`:
# large moves while the smeared density is broad, small ones as it sharpens. The scaling keeps the
# signal-to-noise ratio of each step the same at every level.


# %%
def annealed_langevin(
    x: torch.Tensor,
    score_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    sigmas: torch.Tensor,
    n_steps: int,
    eps0: float,
    noises: torch.Tensor,
) -> torch.Tensor:
    r"""Annealed Langevin dynamics over a decreasing sequence of noise levels, injected noise.

    Exercise ``week07_generative2.annealed_langevin``.

    Math (NCSN, Song and Ermon 2019, Algorithm 1; L = len(sigmas), sigma_L the last, smallest):
        for i = 1 .. L:
            alpha_i = eps0 * sigma_i^2 / sigma_L^2
            repeat n_steps times (t = 1 .. n_steps):
                x <- x + (alpha_i / 2) * score_fn(x, sigma_b) + sqrt(alpha_i) * noises[i, t]
        with sigma_b the ``(B,)`` tensor filled with sigma_i.
    Args:
        x: initial states, shape ``(B, ...)`` (e.g. ``(B, D)`` or ``(B, C, H, W)``), float32 or
            float64.
        score_fn: callable ``score_fn(x, sigma_b)`` returning the score of the data smeared at
            noise level sigma, shaped like ``x``, exactly as in ``dsm_loss``: call it on the whole
            batch, with ``sigma_b`` ALWAYS a ``(B,)`` tensor of ``x``'s dtype and device (one
            sigma per sample, all equal to sigma_i here).
        sigmas: noise levels, a 1-D tensor of shape ``(L,)``, decreasing, same dtype and device as
            ``x``.
        n_steps: Langevin steps per noise level, a Python int >= 1.
        eps0: step size at the smallest noise level sigma_L, a Python float.
        noises: standard normal noise, shape ``(L, n_steps, *x.shape)``, same dtype and device as
            ``x``; ``noises[i, t]`` is the noise of step t at level i (0-based).
    Returns:
        The states after all ``L * n_steps`` steps, shaped like ``x``, with its dtype and device.
        Autograd through the result is not required (you may sample under ``torch.no_grad()``).
    Numerics:
        For Gaussian data N(mu, s^2) the smeared score is exact, ``-(x - mu)/(s^2 + sigma^2)``, and
        each step maps the mean m and variance v of the chains linearly:
        ``m' = m + a (mu - m)``, ``v' = (1 - a)^2 v + alpha`` with ``a = alpha / (2 (s^2 + sigma^2))``.
    Properties the grader checks: the result against the formula for injected noise (vector and
    image-shaped states), the ``sigma_b`` given to ``score_fn``, and that the mean and variance of
    20000 Gaussian chains after the schedule follow the recursion above (within 5 standard errors).
    Allowed: any torch operation that does not draw random numbers; you may call your own
    ``langevin_step`` above (it is then graded as part of this exercise). Forbidden: drawing random
    numbers (``torch.randn``, ``torch.rand``, ``torch.normal``, ...): the noise is given. Inputs are
    never modified in place: do not modify ``x``, ``sigmas`` or ``noises``.
    """
    raise NotImplementedError(
        "week07_generative2.annealed_langevin: Annealed Langevin dynamics over a decreasing sequence of noise levels, injected noise."
    )


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
    raise NotImplementedError(
        "week07_generative2.vp_sde_marginal: Mean and standard deviation of the variance-preserving SDE's marginal at time t."
    )


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
    raise NotImplementedError(
        "week07_generative2.ve_sde_marginal: Mean and standard deviation of the variance-exploding SDE's marginal at time t."
    )
