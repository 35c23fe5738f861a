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
# ### The periodic Ising chain
# N spins s_i = +-1 on a ring, E(s) = -J sum_i s_i s_{i+1} - h sum_i s_i. With K = beta J and
# H = beta h the transfer matrix T_{ss'} = exp(K s s' + H (s + s') / 2) gives Z = tr T^N =
# lambda_+^N + lambda_-^N, lambda_+- = e^K [cosh H +- sqrt(sinh^2 H + e^{-4K})]. Written as it
# stands, e^K overflows float32 at K = 89; factor it out and work with logarithms:
# ln Z = N ln lambda_+ + log1p(sgn (|lambda_-| / lambda_+)^N), where sgn is the sign of lambda_-^N
# (negative for an antiferromagnet, J < 0, with N odd). Since lambda_+ lambda_- = 2 sinh 2K, the
# small eigenvalue needs no subtraction at all.


# %%
def ising1d_lnZ(
    beta: torch.Tensor, N: int, J: float | torch.Tensor = 1.0, h: float | torch.Tensor = 0.0
) -> torch.Tensor:
    r"""Compute ln Z of the periodic Ising chain of ``N`` spins exactly, without overflow.

    Exercise ``week05_diffprog.ising1d_lnZ``.

    Math:
        E(s) = -J sum_{i=1}^{N} s_i s_{i+1} - h sum_i s_i,   s_{N+1} = s_1,   s_i = +-1
        Z = sum_s exp(-beta E(s)) = lambda_+^N + lambda_-^N,   K = beta J,  H = beta h,
        lambda_+- = e^K [cosh H +- sqrt(sinh^2 H + e^{-4K})],   lambda_+ lambda_- = 2 sinh 2K
        ln Z = N ln lambda_+ + log1p(sgn * exp(N (ln|lambda_-| - ln lambda_+))),
        sgn = sign(lambda_-)^N = sign(K)^N.
    Args:
        beta: the inverse temperature, a 0-dim tensor, float32 or float64, any device.
        N: the number of spins, an int >= 2.
        J: the coupling, a Python float or a 0-dim tensor of ``beta``'s dtype and device; J < 0 is
            an antiferromagnet. beta J != 0.
        h: the magnetic field, a Python float or a 0-dim tensor like ``beta``.
    Returns:
        ln Z, a 0-dim tensor with the dtype and device of ``beta``.
    Numerics:
        Exact (closed-form tolerance: rel 1e-12 in float64, 1e-6 in float32) for -5 <= beta J <= 100,
        |beta h| <= 5 and N <= 1000. At beta J = 100, N = 10 in float32 the answer is 1000.693:
        e^{beta J} and lambda_+^N overflow float32 (at 89), so never form them; work with
        ln lambda_+ = K + ln(cosh H + sqrt(sinh^2 H + e^{-4K})). For J < 0 and odd N the second
        term is negative (lambda_-^N < 0). Differentiable (autograd, twice) in ``beta``, ``J``
        and ``h`` when they are tensors (gradients are checked for |beta J| <= 5).
    Properties the grader checks:
        the brute-force sum over all 2^N states for small N; strong coupling in float32; at
        N = 400 the autograd thermodynamics matches the closed forms of the infinite chain:
        -dlnZ/dbeta / N = -J tanh(K) (h = 0), beta^2 d^2lnZ/dbeta^2 / N = K^2 / cosh^2(K) (h = 0),
        dlnZ/dh / (beta N) = sinh H / sqrt(sinh^2 H + e^{-4K}).
    Allowed:
        any elementwise torch operation (``exp``, ``log``, ``log1p``, ``sqrt``, ``cosh``, ...).
    Do not modify the inputs in place.
    """
    raise NotImplementedError(
        "week05_diffprog.ising1d_lnZ: Compute ln Z of the periodic Ising chain of ``N`` spins exactly, without overflow."
    )


# %% [markdown]
# ### The 2-D Ising model by enumeration
# On an L x L torus, E(s) = -J sum_<ij> s_i s_j - h sum_i s_i, each site bonded to its right and
# lower neighbours with periodic wrap-around (`torch.roll` along both axes). For L = 2 the right
# neighbour of the right neighbour is the site itself, so every bond appears twice: the ground
# state has E = -8J and Z = 2e^{8K} + 12 + 2e^{-8K}. For L <= 4 all 2^{L^2} <= 65536 states fit in
# one tensor; ln Z is then one `torch.logsumexp` over -beta E.


# %%
def ising2d_lnZ_enumerate(
    beta: torch.Tensor, L: int, J: float | torch.Tensor = 1.0, h: float | torch.Tensor = 0.0
) -> torch.Tensor:
    r"""Compute ln Z of the Ising model on an L x L torus by summing over all 2^(L^2) states.

    Exercise ``week05_diffprog.ising2d_lnZ_enumerate``.

    Math:
        E(s) = -J sum_{x,y} s_{x,y} (s_{x+1,y} + s_{x,y+1}) - h sum_{x,y} s_{x,y},  indices mod L
        (2 L^2 bond terms: for L = 2 every bond is counted twice, as ``torch.roll`` gives)
        ln Z = ln sum_s exp(-beta E(s)) = logsumexp over the 2^(L^2) states of -beta E(s).
    Args:
        beta: the inverse temperature, a 0-dim tensor, float32 or float64, any device.
        L: the side of the torus, an int with 1 <= L <= 4.
        J: the coupling, a Python float or a 0-dim tensor like ``beta``.
        h: the magnetic field, a Python float or a 0-dim tensor like ``beta``.
    Returns:
        ln Z, a 0-dim tensor with the dtype and device of ``beta``.
    Numerics:
        Vectorized: build all states as one ``(2^(L^2), L, L)`` tensor of +-1 (bits of
        ``torch.arange``), no Python loop over states. Sum exp(-beta E) with ``torch.logsumexp``:
        at beta J = 16 on a 3 x 3 torus the weights reach e^288 (float32 ends at e^88).
        Differentiable (autograd, twice) in ``beta``, ``J`` and ``h`` when they are tensors.
    Properties the grader checks:
        2 x 2: Z = 2e^{8K} + 12 + 2e^{-8K}; ln Z at K_c = ln(1 + sqrt 2) / 2 for 3 x 3
        (9.020213400944334) and 4 x 4 (15.521915458755283); 4 x 4 with beta = 0.5, J = 1, h = 0.3
        (18.68205985090807); the derivatives of ln Z are the Boltzmann averages
        <E> = -dlnZ/dbeta, Var E = d^2lnZ/dbeta^2, <M^2> = d^2lnZ/dh^2 / beta^2 at h = 0.
    Allowed:
        any torch operation (``torch.roll``, ``torch.logsumexp``, bit operations on integers).
    Do not modify the inputs in place.
    """
    raise NotImplementedError(
        "week05_diffprog.ising2d_lnZ_enumerate: Compute ln Z of the Ising model on an L x L torus by summing over all 2^(L^2) states."
    )


# %% [markdown]
# ### The 2-D Ising model by a transfer matrix
# Cut the Lx x Ly torus into Lx columns of Ly spins. A column state c is one of 2^Ly spin patterns;
# the transfer matrix T_{cc'} = exp(V(c)/2 + K c.c' + V(c')/2) holds the bonds between neighbouring
# columns (K c.c') and splits each column's own energy V(c) = K sum_y c_y c_{y+1} + H sum_y c_y
# evenly between its two neighbours, so that T is symmetric and `torch.linalg.eigvalsh` applies.
# Then Z = tr T^Lx = sum_k lambda_k^Lx: ln Z needs only the largest eigenvalue in the log and the
# ratios lambda_k / lambda_max, which may be negative.


# %%
def ising2d_lnZ_transfer(
    beta: torch.Tensor,
    Lx: int,
    Ly: int,
    J: float | torch.Tensor = 1.0,
    h: float | torch.Tensor = 0.0,
) -> torch.Tensor:
    r"""Compute ln Z of the Ising model on an Lx x Ly torus with a column transfer matrix.

    Exercise ``week05_diffprog.ising2d_lnZ_transfer``.

    Math:
        Energy as in ``ising2d_lnZ_enumerate`` on an Lx x Ly torus (bonds to the right and lower
        neighbours, periodic; a side of length 2 counts its bonds twice). With K = beta J,
        H = beta h and a column c in {-1, +1}^Ly:
        V(c) = K sum_y c_y c_{y+1} + H sum_y c_y   (y + 1 mod Ly),
        T_{cc'} = exp(V(c) / 2 + K sum_y c_y c'_y + V(c') / 2),   a symmetric 2^Ly x 2^Ly matrix,
        Z = tr T^Lx = sum_k lambda_k^Lx,   lambda_k the eigenvalues of T (``eigvalsh``).
    Args:
        beta: the inverse temperature, a 0-dim tensor, float32 or float64, any device.
        Lx: the number of columns, an int >= 1.
        Ly: the length of a column, an int with 1 <= Ly <= 10.
        J: the coupling, a Python float or a 0-dim tensor like ``beta``.
        h: the magnetic field, a Python float or a 0-dim tensor like ``beta``.
    Returns:
        ln Z, a 0-dim tensor with the dtype and device of ``beta``.
    Numerics:
        ln Z = Lx ln lambda_max + ln sum_k (lambda_k / lambda_max)^Lx: at beta J = 16 on a 3 x 3
        torus the entries of T reach e^96 and lambda_max^Lx e^288, beyond float32 (e^88); and for
        J < 0 some lambda_k are negative. Shift the exponent of T by its largest entry before
        ``exp`` and add the shift back (Lx times). Differentiable (autograd,
        twice) in ``beta``, ``J`` and ``h`` when they are tensors.
    Properties the grader checks:
        equals enumeration on small tori; 2 x 2: Z = 2e^{8K} + 12 + 2e^{-8K}; at K_c:
        ln Z = 15.521915458755283 (4 x 4) and 60.14178078906915 (8 x 8);
        4 x 4 with beta = 0.5, J = 1, h = 0.3: 18.68205985090807.
    Allowed:
        any torch operation; ``torch.linalg.eigvalsh`` for the eigenvalues.
    Forbidden:
        ``torch.linalg.matrix_power`` and ``torch.matrix_power`` (use the eigenvalues).
    Do not modify the inputs in place.
    """
    raise NotImplementedError(
        "week05_diffprog.ising2d_lnZ_transfer: Compute ln Z of the Ising model on an Lx x Ly torus with a column transfer matrix."
    )


# %% [markdown]
# ## Part 3: thermodynamics and ground states by autograd
# Derivatives of ln Z with respect to beta give the energy and the specific heat; derivatives of
# an eigenvalue with respect to the matrix are perturbation theory.
