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
# # Week 5: differentiable programming
# Automatic differentiation computes exact derivatives of a program, at the cost of a few
# evaluations of the program itself. In the first part you build both modes by hand: forward mode
# carries a tangent with every number (dual numbers), reverse mode records the computation and
# sweeps it backwards (what `torch.autograd` does). In the second part you compute the partition
# function of the Ising model exactly, by a transfer matrix and by enumeration, written so that
# autograd can differentiate it. In the third part the derivatives of ln Z give the whole
# thermodynamics (energy, specific heat, entropy), and a custom backward pass differentiates an
# eigenvalue problem (perturbation theory, run backwards).
#
# Check your work with `ml4p check week05`. Conventions for every exercise: outputs keep the
# input's dtype and device, inputs are never modified in place.

# %%
"""Week 5 exercises: forward and reverse automatic differentiation by hand, the exact partition
function of the Ising model, thermodynamics by autograd, and the derivative of a ground state."""

from __future__ import annotations

from collections.abc import Callable

import torch

# %% [markdown]
# ## Part 1: automatic differentiation by hand
# A program is a chain of elementary operations whose derivatives are known; the chain rule does
# the rest, either from the inputs forward or from the output backward.

# %% [markdown]
# ## Part 2: the Ising model, exactly
# The partition function Z = sum over all configurations of exp(-beta E(s)) holds the whole
# thermodynamics. For small lattices it can be computed exactly, and differentiated.

# %% [markdown]
# ## Part 3: thermodynamics and ground states by autograd
# Derivatives of ln Z with respect to beta give the energy and the specific heat; derivatives of
# an eigenvalue with respect to the matrix are perturbation theory.


# %% [markdown]
# ### Thermodynamics from ln Z
# With Z(beta) = sum_s exp(-beta E(s)) for N sites, every thermodynamic quantity per site is a
# derivative of ln Z: the free energy f = -ln Z / (beta N), the energy e = -d ln Z / d beta / N,
# the specific heat c = beta^2 d^2 ln Z / d beta^2 / N (the variance of the energy) and the
# entropy s = (ln Z + beta E) / N = ln Z / N + beta e. Autograd gives the second derivative by
# differentiating the first one, which it can only do if the first derivative was itself recorded
# as a computation: `torch.autograd.grad(..., create_graph=True)`. For the 2-D Ising model,
# differentiating Onsager's integral gives the exact energy, u(K_c) = -sqrt(2) at the critical
# point.


# %%
def thermodynamics(
    lnZ_fn: Callable[[torch.Tensor], torch.Tensor], beta: torch.Tensor, n_sites: int
) -> dict[str, torch.Tensor]:
    r"""Compute the free energy, energy, specific heat and entropy per site from ln Z by autograd.

    Exercise ``week05_diffprog.thermodynamics``.

    Math:
        f = -ln Z / (beta N)
        e = -(d ln Z / d beta) / N
        c = beta^2 (d^2 ln Z / d beta^2) / N
        s = (ln Z + beta E) / N = ln Z / N + beta e       (E = N e, units with k_B = 1)
        with ln Z = lnZ_fn(beta) and N = ``n_sites``.
    Args:
        lnZ_fn: the total ln Z as a function of beta: maps a 0-dim tensor to a 0-dim tensor, in its
            input's dtype and device, differentiable by autograd (twice and more).
        beta: the inverse temperature, a 0-dim tensor (beta > 0), float32 or float64, any device;
            it may already require grad.
        n_sites: N, the number of sites ln Z is the total of (a Python int >= 1).
    Returns:
        A dict with the keys ``"f"``, ``"e"``, ``"c"``, ``"s"``, each a 0-dim tensor in the dtype
        and device of ``beta``.
    Numerics:
        Both derivatives by ``torch.autograd.grad``: the first with ``create_graph=True`` (the
        second derivative differentiates it), the second with ``create_graph=True`` too, so that
        all four outputs stay differentiable in the parameters ``lnZ_fn`` depends on (e.g. the
        coupling J).
    Properties the grader checks:
        the outputs of the 1-D Ising chain (e = -J tanh K, c = K^2 sech^2 K for a long chain,
        K = beta J); for a few energy levels, e is the Boltzmann average of the energy, c is
        beta^2 times its variance and s the Gibbs entropy -sum p ln p; for the 2-D Ising model
        (Onsager's integral) e is Onsager's exact energy: u(K_c) = -sqrt(2), u(0.3) = -0.70449907,
        u(0.6) = -1.90908618; the gradients of the outputs w.r.t. the parameters of ``lnZ_fn``.
    Allowed:
        ``torch.autograd.grad``; call ``lnZ_fn`` as often as you like, at ``beta`` only (no finite
        differences).
    Do not modify ``beta`` in place.
    """
    raise NotImplementedError(
        "week05_diffprog.thermodynamics: Compute the free energy, energy, specific heat and entropy per site from ln Z by autograd."
    )


# %% [markdown]
# ### The derivative of a ground state
# The ground state of a symmetric matrix A (a Hamiltonian) is its lowest eigenpair,
# A v0 = lambda0 v0. First-order perturbation theory says how it moves when A changes by dA:
# d lambda0 = v0^T dA v0 and dv0 = sum_{i != 0} v_i (v_i^T dA v0) / (lambda0 - lambda_i).
# Run backwards (reverse mode), this gives the gradient of any loss L(lambda0, v0) with respect to
# A from the gradients w.r.t. lambda0 and v0. You write it as a `torch.autograd.Function`: its
# `forward` may call `torch.linalg.eigh`, its `backward` is yours. The sign of v0 is arbitrary, so
# only losses that do not change under v0 -> -v0 are meaningful (e.g. ones built from v0^2).


# %%
class GroundState(torch.autograd.Function):
    r"""The ground state (lambda0, v0) of a symmetric matrix, with a backward pass written by hand.

    Exercise ``week05_diffprog.GroundState``; called as ``lambda0, v0 = GroundState.apply(A)``.

    Math:
        A = sum_i lambda_i v_i v_i^T, lambda_0 < lambda_1 <= ... (orthonormal v_i).
        forward:  (lambda_0, v_0).
        backward (inverse perturbation theory), from g = dL/dlambda_0 and h = dL/dv_0:
            dL/dA = sym( g v_0 v_0^T + sum_{i != 0} (v_i^T h) / (lambda_0 - lambda_i) v_i v_0^T ),
            sym(M) = (M + M^T) / 2.
    Args (forward):
        A: a symmetric matrix, shape ``(n, n)`` with n >= 1, float32 or float64, any device, whose
            ground state is not degenerate (lambda_1 - lambda_0 >= 1e-3).
    Returns (forward):
        ``(lambda0, v0)``: the lowest eigenvalue, a 0-dim tensor, and its unit eigenvector, shape
        ``(n,)``, either sign; dtype and device of ``A``.
    Backward:
        ``backward(ctx, grad_lambda0, grad_v0)`` returns dL/dA, shape ``(n, n)``, symmetric.
    Numerics:
        only the ground state's own gap enters the denominators: degeneracies among the excited
        states are harmless.
    Properties the grader checks:
        lambda0 and v0^2 (v0 up to its sign); the gradient w.r.t. A of lambda0, of v0^2 and of the
        loss lambda0 + sum |v0^2 - t^2| agree with autograd through ``torch.linalg.eigh``; the
        gradient is symmetric.
    Allowed:
        ``torch.linalg.eigh`` in ``forward`` (and in ``backward``, without autograd);
        ``ctx.save_for_backward``.
    Forbidden:
        autograd inside the Function (``torch.autograd.grad``, ``torch.autograd.backward``,
        ``Tensor.backward``, ``torch.enable_grad``, ``torch.func``, ``torch.autograd.functional``):
        the backward pass is yours to write.
    Do not modify ``A`` in place.
    """

    @staticmethod
    def forward(ctx, A: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(lambda0, v0)`` and save what ``backward`` needs."""
        raise NotImplementedError(
            "week05_diffprog.GroundState.forward: Return ``(lambda0, v0)`` and save what ``backward`` needs."
        )

    @staticmethod
    def backward(ctx, grad_lambda0: torch.Tensor, grad_v0: torch.Tensor) -> torch.Tensor:
        """Return dL/dA (symmetric) from dL/dlambda0 and dL/dv0 by inverse perturbation theory."""
        raise NotImplementedError(
            "week05_diffprog.GroundState.backward: Return dL/dA (symmetric) from dL/dlambda0 and dL/dv0 by inverse perturbation theory."
        )
