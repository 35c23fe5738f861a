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
# # Week 1: ML practices, numerically stable softmax and friends
#
# A classifier turns logits `z` into probabilities with the softmax and is trained with the
# cross-entropy. Written naively, both overflow: `exp(1e4)` is `inf` in any float type, and
# `inf / inf` is `nan`. The cure is translation invariance, `softmax(z + c) = softmax(z)`: shift by
# the maximum before exponentiating.
#
# Implement the seven functions below. Check your work with `ml4p check week01` (or `pytest`).
# Conventions for every exercise: outputs keep the input's dtype and device, inputs are never
# modified in place, and the functions must work for float32 and float64 on any device. A built-in
# a docstring forbids is forbidden under every name that reaches it (`torch.ops.aten`, private
# `torch._*` functions, `torch.sparse`, `torch.distributions`, ...): the grader watches the
# operations your code runs, not only the names it writes.
#
# The torch exercises are also graded on a GPU, emulated where the machine has none: there a tensor
# made without the input's device (make it with `device=x.device`, `x.new_zeros(...)` or
# `torch.zeros_like(x)`), a `.numpy()` or `.cpu()` round trip, or a float32 constant in float64
# work (`torch.tensor(0.1)` without `dtype=x.dtype`) costs the devices share of the points.

# %%
"""Week 1 exercises: softmax, log-sum-exp, log-softmax, the cross-entropy from logits, the binary
cross-entropy from logits, the energy of a Coulomb gas and a Metropolis step."""

from __future__ import annotations

from collections.abc import Callable

import torch

# %% [markdown]
# ## Softmax
# On the slides: softmax([1, 2, 3]) = [0.0900, 0.2447, 0.6652], and softmax is not scale invariant:
# softmax([2, 4, 6]) = [0.0159, 0.1173, 0.8668].


# %%
def softmax(z: torch.Tensor, dim: int = -1) -> torch.Tensor:
    r"""Compute the softmax of ``z`` along ``dim`` without overflow.

    Exercise ``week01_practices.softmax``.

    Math:
        softmax(z)_i = exp(z_i - m) / sum_j exp(z_j - m),   m = max_j z_j  (along ``dim``)
        The shift by m changes nothing mathematically (softmax(z + c) = softmax(z)) but keeps every
        exponent <= 0, so nothing overflows.
    Args:
        z: logits, any shape ``(..., C, ...)``, float32 or float64, any device.
        dim: the axis to normalize over; negative values count from the end.
    Returns:
        A tensor with the shape, dtype and device of ``z``; entries in [0, 1] that sum to 1 along
        ``dim``.
    Numerics:
        Must stay finite and exact for |z| up to 1e4 (float32) and 1e30 (float64). Entries equal to
        ``-inf`` (masked) get probability exactly 0. A slice that is entirely ``-inf`` gives NaN, as
        ``torch.softmax`` does. Gradients must be finite for logits of size 1e4.
    Allowed:
        elementwise torch operations (``exp``, subtraction, division), ``amax``/``max``, ``sum``.
    Forbidden:
        ``torch.softmax``, ``torch.nn.functional.softmax``, ``Tensor.softmax``,
        ``torch.special.softmax``, ``torch.log_softmax`` and its variants, ``torch.logsumexp``.
    Do not modify ``z`` in place.
    """
    ### BEGIN SOLUTION
    shifted = z - z.amax(dim=dim, keepdim=True)
    weights = shifted.exp()
    return weights / weights.sum(dim=dim, keepdim=True)
    ### END SOLUTION


# %% [markdown]
# ## Log-sum-exp
# `log(sum(exp(z)))` overflows for the same reason. Shift by the maximum, and take care of slices
# whose maximum is not finite: an all `-inf` slice has log-sum-exp `-inf`, not NaN.


# %%
def logsumexp(z: torch.Tensor, dim: int = -1, keepdim: bool = False) -> torch.Tensor:
    r"""Compute log(sum(exp(z))) along ``dim`` without overflow.

    Exercise ``week01_practices.logsumexp``.

    Math:
        LSE(z) = m + log sum_j exp(z_j - m),   m = max_j z_j,
        where a non-finite m (an all ``-inf`` slice, or ``+inf`` entries) is replaced by 0 so that
        an all ``-inf`` slice gives ``-inf`` and a slice holding ``+inf`` gives ``+inf``.
    Args:
        z: any shape, float32 or float64, any device.
        dim: the axis to reduce; negative values count from the end.
        keepdim: keep the reduced axis with size 1 (as ``torch.logsumexp``).
    Returns:
        ``z``'s shape without ``dim`` (or with size 1 there when ``keepdim``), dtype and device of ``z``.
    Numerics:
        Exact for |z| up to 1e30; ``-inf`` entries contribute nothing. Differentiable in ``z``
        (autograd), with finite gradients for logits of size 1e4.
    Allowed:
        elementwise torch operations, ``amax``, ``sum``, ``torch.where``, ``isfinite``.
    Forbidden:
        ``torch.logsumexp``, ``Tensor.logsumexp``, ``torch.special.logsumexp``, the softmax family.
    Do not modify ``z`` in place.
    """
    ### BEGIN SOLUTION
    shift = z.amax(dim=dim, keepdim=True).detach()
    shift = torch.where(shift.isfinite(), shift, torch.zeros_like(shift))
    total = (z - shift).exp().sum(dim=dim, keepdim=True)
    result = shift + total.log()
    return result if keepdim else result.squeeze(dim)
    ### END SOLUTION


# %% [markdown]
# ## Log-softmax
# `log softmax(z) = z - logsumexp(z)`: the log of the Boltzmann weights, minus the free energy. Taking
# the log of the softmax instead underflows: a weight below the smallest float becomes 0 and its log
# `-inf`, while `z - logsumexp(z)` stays exact.


# %%
def log_softmax(z: torch.Tensor, dim: int = -1) -> torch.Tensor:
    r"""Compute log(softmax(z)) along ``dim`` as z - LSE(z), never as the log of the softmax.

    Exercise ``week01_practices.log_softmax``.

    Math:
        log_softmax(z)_i = z_i - LSE(z)
    Args:
        z: any shape, float32 or float64, any device.
        dim: the axis to normalize over.
    Returns:
        A tensor with the shape, dtype and device of ``z``.
    Numerics:
        ``log(softmax(z))`` underflows: for z = [1e4, 0] the exact answer is [0, -1e4] while
        ``log(softmax(z))`` gives [0, -inf]. An all ``-inf`` slice gives NaN (as torch).
        Differentiable in ``z`` (autograd), with finite gradients for logits of size 1e4.
    Allowed:
        your ``logsumexp`` above, elementwise torch operations.
    Forbidden:
        ``torch.log_softmax``, ``torch.nn.functional.log_softmax``, ``Tensor.log_softmax``,
        ``torch.special.log_softmax``, ``torch.logsumexp``, the softmax family.
    Do not modify ``z`` in place.
    """
    ### BEGIN SOLUTION
    return z - logsumexp(z, dim=dim, keepdim=True)
    ### END SOLUTION


# %% [markdown]
# ## Cross-entropy from logits
# For a batch of m samples with logits z and integer labels c:
# L = -(1/m) sum_i log_softmax(z_i)[c_i]. With soft targets p (rows of probabilities, for example
# one-hot rows): L = -(1/m) sum_i sum_j p_ij log_softmax(z_i)_j. Both give the same value for one-hot
# targets, and the gradient with respect to the logits is (softmax(z) - p) / m.


# %%
def cross_entropy_from_logits(
    logits: torch.Tensor, target: torch.Tensor, reduction: str = "mean"
) -> torch.Tensor:
    r"""Compute the cross-entropy between ``logits`` and integer or probability targets.

    Exercise ``week01_practices.cross_entropy_from_logits``.

    Math:
        per-sample loss l_i = -log_softmax(z_i)[c_i]           (integer targets c, shape (B,))
                        l_i = -sum_j p_ij log_softmax(z_i)_j    (probability targets p, shape (B, C))
        reduction "mean": (1/B) sum_i l_i;  "sum": sum_i l_i;  "none": the vector l.
    Args:
        logits: shape ``(B, C)``, float32 or float64, any device.
        target: integer class labels of shape ``(B,)`` (int64 or int32), or float probabilities of
            shape ``(B, C)`` with the dtype of ``logits``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``; anything else raises ``ValueError``.
    Returns:
        A 0-d tensor (``"mean"``/``"sum"``) or shape ``(B,)`` (``"none"``), dtype and device of
        ``logits``.
    Numerics:
        Logits of size 1e4 with the wrong class give a loss of about 1e4, finite. Differentiable
        (autograd) in ``logits`` and in probability targets, with finite gradients.
    Allowed:
        your ``log_softmax``, ``gather``/indexing, ``sum``, ``mean``.
    Forbidden:
        ``torch.nn.functional.cross_entropy``, ``torch.nn.functional.nll_loss``,
        ``torch.nn.CrossEntropyLoss``, ``torch.nn.NLLLoss``, the softmax family of torch.
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    log_probabilities = log_softmax(logits, dim=-1)
    if target.is_floating_point():
        per_sample = -(target * log_probabilities).sum(dim=-1)
    else:
        labels = target.long().unsqueeze(-1)
        per_sample = -log_probabilities.gather(-1, labels).squeeze(-1)
    if reduction == "mean":
        return per_sample.mean()
    if reduction == "sum":
        return per_sample.sum()
    if reduction == "none":
        return per_sample
    raise ValueError(f"unknown reduction {reduction!r}: use 'mean', 'sum' or 'none'")
    ### END SOLUTION


# %% [markdown]
# ## Binary cross-entropy from logits
# With one logit z per sample, p = sigmoid(z) and a label y in [0, 1], the loss
# -(y log p + (1 - y) log(1 - p)) is, written with the logit,
# l(z, y) = max(z, 0) - z y + log(1 + exp(-|z|)).
# The textbook form takes the log of a probability that rounds to 0 or 1: at z = 50,
# sigmoid(z) is 1.0 in float64 and log(1 - p) is -inf. The form with the logit never
# exponentiates a positive number.


# %%
def bce_with_logits(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    r"""Compute the elementwise binary cross-entropy from logits ``z`` and labels ``y``.

    Exercise ``week01_practices.bce_with_logits``.

    Math:
        l(z, y) = -(y log sigmoid(z) + (1 - y) log(1 - sigmoid(z)))
                = max(z, 0) - z * y + log1p(exp(-|z|))
        The second form is exact and never exponentiates a positive number.
    Args:
        z: logits, any shape, float32 or float64, any device.
        y: labels of the same shape, dtype and device: 0 or 1, or any probability in [0, 1].
    Returns:
        The elementwise loss (no reduction): shape, dtype and device of ``z``.
    Numerics:
        Finite and exact for |z| up to 1e4 in float32 and float64 (the textbook form gives inf or
        nan already at |z| = 50). A confident right answer (z = 50, y = 1) has the tiny loss
        log1p(exp(-50)) = 1.9e-22, which must keep its relative precision: use ``log1p``, not
        log(1 + ...). Differentiable (autograd) in ``z`` and ``y``, with finite gradients.
    Properties the grader checks:
        l(z, 1) = l(-z, 0) (symmetry) and l(z, y) >= 0.
    Allowed:
        elementwise torch operations: ``clamp``/``relu``/``torch.maximum``, ``abs``, ``exp``,
        ``log1p``, ``torch.where``.
    Forbidden:
        ``torch.nn.functional.binary_cross_entropy_with_logits``, ``torch.nn.BCEWithLogitsLoss``,
        ``torch.nn.functional.binary_cross_entropy``, ``torch.nn.BCELoss``, and the built-ins that
        are this exercise in one call: ``torch.nn.functional.softplus``, ``torch.nn.Softplus``,
        ``torch.nn.functional.logsigmoid``, ``torch.nn.LogSigmoid`` and ``torch.logaddexp``.
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    return z.clamp(min=0) - z * y + torch.log1p(torch.exp(-z.abs()))
    ### END SOLUTION


# %% [markdown]
# ## Energy of a Coulomb gas in a harmonic trap
# n charges repel each other and are held together by a harmonic trap:
# H(x) = sum_{i<j} 1 / |x_i - x_j| + sum_i |x_i|^2.
# Each pair counts once, and a particle does not interact with itself (|x_i - x_i| = 0). The
# forces are -dH/dx, by autograd. In two dimensions the minima are known: two charges at distance
# 1 (H = 1.5), three on an equilateral triangle (H = 3.931112091), four on a square
# (H = 7.341782444).


# %%
def coulomb_energy(x: torch.Tensor) -> torch.Tensor:
    r"""Compute the energy of a batch of Coulomb gases in a harmonic trap.

    Exercise ``week01_practices.coulomb_energy``.

    Math:
        H(x) = sum_{i<j} 1 / |x_i - x_j|  +  sum_i |x_i|^2
        with |.| the Euclidean norm over the ``dim`` coordinates of a particle. Every pair counts
        once (i < j); there is no i = j term.
    Args:
        x: positions, shape ``(B, n, dim)`` (B configurations of n particles in ``dim`` dimensions),
            float32 or float64, any device; the particles of a configuration are distinct.
    Returns:
        The energies, shape ``(B,)``, dtype and device of ``x``.
    Numerics:
        n = 1 has no pairs: H is the trap term alone. Differentiable (autograd) in ``x`` with
        finite gradients (the forces are -dH/dx): beware of the diagonal, where |x_i - x_i| = 0
        and 1/0 is inf, and of its gradient, which is nan even where ``torch.where`` masks it out.
    Properties the grader checks:
        invariance under permutations of the particles and under rotations; at the exact 2-D
        minima for n = 2, 3, 4 the energy is the known minimum and the forces vanish.
    Allowed:
        any torch operation (broadcasting, ``torch.triu_indices``, ``torch.linalg.vector_norm``,
        ``torch.cdist``, ...).
    Do not modify ``x`` in place.
    """
    ### BEGIN SOLUTION
    n = x.shape[1]
    i, j = torch.triu_indices(n, n, offset=1, device=x.device)
    distances = torch.linalg.vector_norm(x[:, i] - x[:, j], dim=-1)
    return (1 / distances).sum(dim=-1) + x.square().sum(dim=(-2, -1))
    ### END SOLUTION


# %% [markdown]
# ## A Metropolis step
# To sample from p(x) ~ exp(logp(x)), propose x' = x + width * noise and accept with probability
# min(1, p(x') / p(x)): draw u uniform in (0, 1) and accept when u < p(x') / p(x). The ratio of
# two probabilities that are each far below the smallest float is 0/0; compare logarithms
# instead, log u < logp(x') - logp(x). Each configuration of the batch is accepted or rejected as
# a whole.


# %%
def metropolis_step(
    x: torch.Tensor,
    logp_fn: Callable[[torch.Tensor], torch.Tensor],
    width: float,
    noise: torch.Tensor,
    log_u: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Take one Metropolis step for every configuration of the batch ``x``.

    Exercise ``week01_practices.metropolis_step``.

    Math:
        x'          = x + width * noise
        accepted[b] = log_u[b] < logp_fn(x')[b] - logp_fn(x)[b]   (strictly less)
        x_new[b]    = x'[b] if accepted[b] else x[b]
        A proposal with logp_fn(x') = -inf is always rejected.
    Args:
        x: the current states, shape ``(B, ...)`` (e.g. ``(B, d)`` or ``(B, n, dim)``), float32 or
            float64, any device.
        logp_fn: the unnormalized log-density: maps a tensor of shape ``(B, ...)`` to ``(B,)``, in
            its input's dtype and device; it may return ``-inf``.
        width: the proposal's step size (a Python float).
        noise: standard normal draws, same shape, dtype and device as ``x``.
        log_u: the logarithms of uniform draws in (0, 1), shape ``(B,)``, dtype of ``x``.
    Returns:
        ``(x_new, accepted)``: ``x_new`` with the shape, dtype and device of ``x`` (rows accepted
        or rejected as a whole: broadcast the decision over the trailing dims), and ``accepted``,
        a ``torch.bool`` tensor of shape ``(B,)`` on the device of ``x``.
    Numerics:
        Compare in the log domain: log-densities of size 1e4 (either sign) make exp(logp) 0 or
        inf, and the ratio 0/0 or inf/inf is nan.
    Allowed:
        any torch operation; call ``logp_fn`` on whole batches.
    Forbidden:
        drawing random numbers (``torch.rand``, ``torch.randn``, ``torch.rand_like``, ...): the
        randomness is in ``noise`` and ``log_u``.
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    proposal = x + width * noise
    accepted = log_u < logp_fn(proposal) - logp_fn(x)
    keep = accepted.reshape(accepted.shape + (1,) * (x.dim() - 1))
    return torch.where(keep, proposal, x), accepted
    ### END SOLUTION
