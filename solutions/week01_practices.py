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
# Implement the four functions below. Check your work with `ml4p check week01` (or `pytest`).
# Conventions for every exercise: outputs keep the input's dtype and device, inputs are never
# modified in place, and the functions must work for float32 and float64 on any device. A built-in
# a docstring forbids is forbidden under every name that reaches it (`torch.ops.aten`, private
# `torch._*` functions, `torch.sparse`, `torch.distributions`, ...): the grader watches the
# operations your code runs, not only the names it writes.

# %%
"""Week 1 exercises: softmax, log-sum-exp, log-softmax and the cross-entropy from logits."""

from __future__ import annotations

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
# ## Log-sum-exp and log-softmax
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
