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
# # Week 4: symmetries
# A symmetry of the physics is a transformation g of the input that leaves the answer unchanged
# (invariance, f(g x) = f(x)) or changes it in the same way (equivariance, T(g x) = g T(x)).
# There are three ways to teach a network a symmetry: augment the data, penalize the violation, or
# build the symmetry into the architecture so that it holds exactly, whatever the weights.
#
# In the first part you build symmetry into the architecture: an E(n)-equivariant graph layer, an
# invariant energy whose forces conserve momentum and angular momentum (Noether), and a Slater
# determinant that is antisymmetric under the exchange of two fermions. In the second part you
# average over a group: symmetrize a function under x -> -x, list the orbit of a lattice
# configuration under rotations, reflections and translations, average over it, and pool over sets.
#
# Check your work with `ml4p check week04`. Conventions for every exercise: outputs keep the
# input's dtype and device, inputs are never modified in place, and the functions must work for
# float32 and float64 on any device.
#
# The torch exercises are also graded on a GPU, emulated where the machine has none: there a tensor
# made without the input's device (make it with `device=x.device`, `x.new_zeros(...)` or
# `torch.zeros_like(x)`), a `.numpy()` or `.cpu()` round trip, or a float32 constant in float64
# work (`torch.tensor(0.1)` without `dtype=x.dtype`) costs the devices share of the points.

# %%
"""Week 4 exercises: an E(n)-equivariant layer, an invariant energy and its forces, a Slater
determinant, Z2 symmetrization, lattice orbits and group averages, and deep sets."""

from __future__ import annotations

from collections.abc import Callable

import torch

# %% [markdown]
# ## Part 1: symmetry built into the architecture
# Every layer below is equivariant or invariant by construction: the checks apply random
# rotations, reflections, translations and permutations and compare.

# %% [markdown]
# ### An invariant energy
# A potential energy that depends on the positions only through the squared distances
# |x_i - x_j|^2 of the pairs is invariant under every translation, rotation and reflection of the
# whole configuration (the Euclidean group E(dim)) and under every relabelling of the particles:
#
#     E(x) = sum_{i<j} g(|x_i - x_j|^2),
#
# with g a small network (the pair term of a DeepMD-flavoured potential).


# %%
def invariant_energy(
    x: torch.Tensor, pair_mlp: Callable[[torch.Tensor], torch.Tensor]
) -> torch.Tensor:
    r"""Compute the pair energy E = sum_{i<j} g(|x_i - x_j|^2) of a batch of configurations.

    Exercise ``week04_symmetry.invariant_energy``.

    Math:
        E[b] = sum_{i<j} g(|x[b, i] - x[b, j]|^2), with g = ``pair_mlp`` and |.|^2 the squared
        Euclidean norm over the ``dim`` coordinates of a particle. Every pair counts once (i < j);
        there is no i = j term (g(0) is not 0 in general).
    Args:
        x: positions, shape ``(B, n, dim)``, float32 or float64, any device.
        pair_mlp: the pair term g: maps a tensor of squared distances of shape ``(..., 1)`` to pair
            energies of shape ``(..., 1)``, entry by entry along the leading dims, in its input's
            dtype and device (e.g. a small MLP; call it once on all pairs).
    Returns:
        The energies, shape ``(B,)``, dtype and device of ``x``.
    Numerics:
        n = 1 has no pairs: E = 0. Differentiable (autograd) in ``x`` and in the parameters of
        ``pair_mlp`` with finite gradients, also where two particles coincide: feed g the squared
        distance itself (the gradient of a square root at 0 is inf, and inf * 0 is nan).
    Properties the grader checks:
        E is invariant under rotations and reflections (x -> x Q, Q orthogonal), translations
        (x -> x + s) and permutations of the particles; the forces -dE/dx of your energy (taken
        by the grader with autograd) sum to zero (momentum) and have zero total torque
        sum_i x_i x F_i in 3-D (angular momentum).
    Allowed:
        any torch operation (``torch.triu_indices``, broadcasting, ...).
    Do not modify ``x`` in place.
    """
    ### BEGIN SOLUTION
    n = x.shape[1]
    i, j = torch.triu_indices(n, n, offset=1, device=x.device)
    squared_distances = (x[:, i] - x[:, j]).square().sum(dim=-1)
    return pair_mlp(squared_distances[..., None])[..., 0].sum(dim=-1)
    ### END SOLUTION


# %% [markdown]
# ### Forces, and Noether's theorem
# The forces are `F = -dE/dx`, taken by autograd. Translation invariance of `E` gives a vanishing
# total force, `sum_i F_i = 0` (momentum is conserved); rotation invariance gives a vanishing total
# torque, `sum_i x_i x F_i = 0` (angular momentum is conserved). Both hold exactly, whatever the
# weights of the energy, and the grader checks them. The forces rotate with the configuration,
# `F(x Q + s) = F(x) Q`, and follow a permutation of the particles.


# %%
def forces(x: torch.Tensor, energy_fn: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    r"""Compute the forces F = -dE/dx of a batch of configurations by automatic differentiation.

    Exercise ``week04_symmetry.forces``.

    Math:
        F[b, i, k] = -dE[b] / dx[b, i, k], with E = ``energy_fn(x)``. The configurations of the
        batch are independent, so the gradient of E.sum() gives every configuration's forces.
    Args:
        x: positions, shape ``(B, n, dim)``, float32 or float64, any device; it may or may not
            require grad.
        energy_fn: any energy: maps positions of shape ``(B, n, dim)`` to energies of shape
            ``(B,)``, in the dtype and device of its input. It may have parameters of its own, and
            it may not depend on ``x`` at all (a constant energy: the forces are then zero).
    Returns:
        The forces, shape ``(B, n, dim)``, dtype and device of ``x``.
    Numerics:
        The forces must stay differentiable w.r.t. the parameters of ``energy_fn`` (pass
        ``create_graph=True``), so that a loss on the forces (force matching) trains the energy.
    Properties the grader checks:
        for an invariant energy: F(x Q + s) = F(x) Q for orthogonal Q (rotations and reflections)
        and shifts s, F(P x) = P F(x) for permutations P, sum_i F_i = 0 (momentum) and
        sum_i x_i x F_i = 0 in 3-D (angular momentum).
    Allowed:
        ``torch.autograd.grad``.
    Forbidden:
        finite differences, ``torch.autograd.functional``, ``torch.func`` and ``torch.vmap``
        (one ``torch.autograd.grad`` call does it); ``.backward()`` (it would accumulate into
        the parameters' ``.grad``).
    Do not modify the values of ``x`` in place (``x.requires_grad_(True)`` is allowed).
    """
    ### BEGIN SOLUTION
    positions = x if x.requires_grad else x.detach().requires_grad_(True)
    energy = energy_fn(positions)
    if not energy.requires_grad:  # no graph at all: a constant energy
        return torch.zeros_like(x)
    (gradient,) = torch.autograd.grad(energy.sum(), positions, create_graph=True, allow_unused=True)
    if gradient is None:  # the energy does not depend on x
        return torch.zeros_like(x)
    return -gradient
    ### END SOLUTION


# %% [markdown]
# ### A Slater determinant
# Fermions are antisymmetric: exchanging two particles flips the sign of the wavefunction. The
# Slater determinant of n one-particle orbitals phi_1, ..., phi_n is antisymmetric by construction,
#
#     psi(x_1, ..., x_n) = det M,   M[i, j] = phi_j(x_i)   (a particle per row, an orbital per
#     column),
#
# because permuting the particles permutes the rows of M, and det(P M) = sgn(P) det M. It vanishes
# when two particles coincide (two equal rows). For many particles det M is far below the smallest
# (or above the largest) float, so we work with the pair (sign, log|det M|), as
# ``torch.linalg.slogdet`` does. Here you compute that pair yourself from an LU decomposition
# P M = L U with partial pivoting: det M = det(P)^-1 prod_i U_ii, each row exchange flips the sign.


# %%
def slater_logdet(
    orbital_fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Compute the sign and log|det M| of the Slater matrices M[b, i, j] = phi_j(x[b, i]).

    Exercise ``week04_symmetry.slater_logdet``.

    Math:
        M[b, i, j] = phi_j(x[b, i]): row i is particle i, column j is orbital j.
        psi[b] = det M[b] = sign[b] * exp(logabs[b]). With the LU decomposition of
        ``torch.linalg.lu_factor_ex`` (M = P L U, L with a unit diagonal, ``pivots`` 1-based:
        row i was exchanged with row pivots[i] - 1), det M = (-1)^s * prod_i U_ii, where s is
        the number of i with pivots[i] != i + 1. So sign = (-1)^s * prod_i sign(U_ii) and
        logabs = sum_i log|U_ii|.
    Args:
        orbital_fn: the n orbitals: maps positions of shape ``(..., dim)`` to their values
            ``(..., n)`` (entry j is phi_j), in its input's dtype and device; so ``orbital_fn(x)``
            is the whole batch of matrices M, shape ``(B, n, n)``.
        x: positions, shape ``(B, n, dim)``, float32 or float64, any device.
    Returns:
        ``(sign, logabs)``, each of shape ``(B,)``, dtype and device of ``x``: sign is +1 or -1
        (0 where M is exactly singular, with logabs = -inf), as ``torch.linalg.slogdet``.
    Numerics:
        Never form det M itself, nor the product of the U_ii: for 40 particles with orbitals of
        size 1e-9 (or 1e9) it under- (over-) flows even in float64, while logabs is an ordinary
        number. ``logabs`` must be differentiable (autograd) in ``x`` and in the parameters of
        ``orbital_fn``. Where two particles coincide |det M| must come out tiny (round-off only):
        do not clamp |U_ii| or add an epsilon.
    Properties the grader checks:
        exchanging two particles flips the sign and keeps logabs; a permutation multiplies the
        sign by its parity; |det M| is tiny where two particles coincide.
    Allowed:
        ``torch.linalg.lu_factor_ex``, ``torch.linalg.lu`` and any elementwise torch operation
        (``torch.linalg.lu_factor`` raises where M is exactly singular: two equal rows).
    Forbidden:
        ``torch.linalg.slogdet``, ``torch.linalg.det``, ``torch.det``, ``torch.logdet`` and their
        aliases and ``Tensor`` methods.
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    matrices = orbital_fn(x)
    lu, pivots, _ = torch.linalg.lu_factor_ex(matrices)
    diagonal = lu.diagonal(dim1=-2, dim2=-1)
    unmoved = torch.arange(1, matrices.shape[-1] + 1, device=x.device, dtype=pivots.dtype)
    exchanges = (pivots != unmoved).sum(dim=-1)
    parity = 1 - 2 * (exchanges % 2).to(x.dtype)
    sign = parity * torch.sign(diagonal).prod(dim=-1)
    logabs = diagonal.abs().log().sum(dim=-1)
    return sign, logabs
    ### END SOLUTION


# %% [markdown]
# ### An E(n)-equivariant graph layer
# An E(n)-equivariant graph neural network (EGNN, Satorras, Hoogeboom and Welling 2021) updates
# positions x_i and invariant features h_i of n particles with messages that depend on the
# positions only through squared distances:
#
#     m_ij  = phi_e(h_i, h_j, |x_i - x_j|^2)                       for j != i
#     x_i'  = x_i + 1/(n - 1) sum_{j != i} (x_i - x_j) phi_x(m_ij)
#     h_i'  = phi_h(h_i, sum_{j != i} m_ij) + h_i
#
# Rotating, reflecting or translating the input then rotates, reflects or translates x' the same
# way and leaves h' unchanged; relabelling the particles relabels the outputs. The networks
# phi_e, phi_x and phi_h can be anything: the symmetry is in the wiring.


# %%
def egnn_layer(
    x: torch.Tensor,
    h: torch.Tensor,
    phi_e: Callable[[torch.Tensor], torch.Tensor],
    phi_x: Callable[[torch.Tensor], torch.Tensor],
    phi_h: Callable[[torch.Tensor], torch.Tensor],
) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Apply one E(n)-equivariant graph layer to positions ``x`` and features ``h``.

    Exercise ``week04_symmetry.egnn_layer``.

    Math:
        m_ij = phi_e(cat[h_i, h_j, |x_i - x_j|^2])                        for every j != i
        x_i' = x_i + (1 / (n - 1)) * sum_{j != i} (x_i - x_j) * phi_x(m_ij)
        h_i' = phi_h(cat[h_i, sum_{j != i} m_ij]) + h_i
        with |.|^2 the squared Euclidean norm over the ``dim`` coordinates and ``cat`` the
        concatenation along the last axis, in this order.
    Args:
        x: positions, shape ``(..., n, dim)`` (any number of leading batch dims, none included),
            n >= 2, float32 or float64, any device.
        h: features, shape ``(..., n, F)``, same leading dims, dtype and device.
        phi_e: the message network: maps ``(..., 2F + 1)`` to ``(..., F_m)``.
        phi_x: the position weight: maps ``(..., F_m)`` to ``(..., 1)``.
        phi_h: the feature update: maps ``(..., F + F_m)`` to ``(..., F)``.
        Each network acts entry by entry along the leading dims, whatever their number (call it
        on the whole ``(..., n, n, .)`` tensor of pairs, or on the pairs j != i only).
    Returns:
        ``(x_new, h_new)`` with the shapes of ``x`` and ``h``, dtype and device of ``x``.
    Numerics:
        Differentiable (autograd) in ``x``, ``h`` and the networks' parameters, with finite
        gradients also where two particles coincide: feed phi_e the squared distance
        sum_k (x_ik - x_jk)^2 itself. The square root of a squared distance has an infinite
        derivative at 0 (the diagonal i = j, coincident particles), and inf * 0 is nan.
    Properties the grader checks:
        x_new(x Q + s) = x_new(x) Q + s and h_new unchanged, for orthogonal Q (rotations and
        reflections) and shifts s; permuting the particles permutes x_new and h_new; n = 2.
    Allowed:
        any torch operation.
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    n, features = x.shape[-2], h.shape[-1]
    differences = x[..., :, None, :] - x[..., None, :, :]  # x_i - x_j, (..., n, n, dim)
    squared_distances = differences.square().sum(dim=-1, keepdim=True)
    pairs = (*h.shape[:-2], n, n, features)
    h_i, h_j = h[..., :, None, :].expand(pairs), h[..., None, :, :].expand(pairs)
    messages = phi_e(torch.cat([h_i, h_j, squared_distances], dim=-1))
    off_diagonal = ~torch.eye(n, dtype=torch.bool, device=x.device)
    messages = messages * off_diagonal[:, :, None].to(messages.dtype)
    x_new = x + (differences * phi_x(messages)).sum(dim=-2) / (n - 1)
    h_new = phi_h(torch.cat([h, messages.sum(dim=-2)], dim=-1)) + h
    return x_new, h_new
    ### END SOLUTION


# %% [markdown]
# ## Part 2: averaging over a group
# Any function becomes invariant when it is averaged over the orbit of its input under a finite
# group: f_G(x) = (1/|G|) sum_g f(g x).


# %% [markdown]
# ### Symmetrizing under x -> -x
# The Ising model without a field does not change when every spin is flipped, so a network that
# classifies its phases should not either. Average over the group Z2 = {x -> x, x -> -x}:
# g(x) = (f(x) + f(-x)) / 2 is even whatever f is. The average is a projection: it leaves an
# even f unchanged, and symmetrizing g again gives g back.


# %%
def z2_symmetrize(
    f: Callable[[torch.Tensor], torch.Tensor],
) -> Callable[[torch.Tensor], torch.Tensor]:
    r"""Return the Z2-symmetrized version g of the function f.

    Exercise ``week04_symmetry.z2_symmetrize``.

    Math:
        g(x) = (f(x) + f(-x)) / 2
    Args:
        f: a function of a batch: it maps a tensor ``x`` of shape ``(B, ...)`` to a tensor of
            shape ``(B, ...)`` (e.g. ``(B,)`` or ``(B, K)``) in ``x``'s dtype and device, row by
            row (row b of its output depends on row b of ``x`` only).
    Returns:
        The function ``g``: called on a tensor ``x`` of shape ``(B, ...)``, float32 or float64, any
        device, it returns ``(f(x) + f(-x)) / 2``, of the shape, dtype and device of ``f(x)``,
        differentiable (autograd) in ``x`` and in whatever ``f`` depends on.
    Properties the grader checks:
        g(-x) = g(x); symmetrizing twice changes nothing (z2_symmetrize(g)(x) = g(x));
        an f that is already even is returned unchanged (g(x) = f(x)); g works on batches of
        vectors ``(B, d)`` and of particles ``(B, n, dim)``; gradients w.r.t. ``x`` and the
        parameters of ``f``.
    Allowed:
        any torch operation; ``f`` may be called once or twice per call of ``g``.
    Do not modify ``x`` in place (neither in ``g`` nor by negating it in place).
    """

    ### BEGIN SOLUTION
    def g(x: torch.Tensor) -> torch.Tensor:
        return (f(x) + f(-x)) / 2

    return g
    ### END SOLUTION


# %% [markdown]
# ### The orbit of a lattice configuration
# An L x L Ising configuration with periodic boundaries has the symmetries of the square (the
# dihedral group D4: four rotations and four reflections) and the L^2 translations of the torus.
# Together they form a group of 8 L^2 elements; the orbit of s is the list of its images g s. The
# energy E(s) = -sum_<ij> s_i s_j is the same on the whole orbit.


# %%
def lattice_orbit(s: torch.Tensor) -> torch.Tensor:
    r"""List the images of each configuration under the symmetries of the periodic square lattice.

    Exercise ``week04_symmetry.lattice_orbit``.

    Math:
        G = D4 x (Z_L x Z_L): the 8 symmetries of the square (rotations by 0, 90, 180, 270
        degrees, and the reflections: the two axis flips and the two diagonal ones, i.e. the
        transposes), each followed by one of the L^2 periodic translations by (dx, dy),
        0 <= dx, dy < L. The orbit of s lists g s for every g in G: 8 L^2 configurations.
    Args:
        s: configurations, shape ``(B, L, L)`` (spins +-1 or any real values), float32 or
            float64, any device.
    Returns:
        The orbits, shape ``(B, 8 L^2, L, L)``, dtype and device of ``s``: ``out[b]`` holds the
        images of ``s[b]``, one per group element, **in any order** (the grader compares them as
        a multiset). Keep duplicates: when two group elements give the same image (on small or
        symmetric configurations), the image is listed twice.
    Properties the grader checks:
        the orbit of a generic configuration (L >= 3) has 8 L^2 distinct elements; the Ising
        energy is the same on the whole orbit; every configuration of the batch has its own
        orbit (also when B = L).
    Allowed:
        any torch operation (``torch.rot90``, ``torch.flip``, ``torch.roll``, ``transpose``,
        indexing, ...).
    Do not modify ``s`` in place.
    """
    ### BEGIN SOLUTION
    size = s.shape[-1]
    rotations = [torch.rot90(s, k, dims=(-2, -1)) for k in range(4)]
    point_images = rotations + [rotation.flip(-1) for rotation in rotations]
    images = [
        torch.roll(image, shifts=(dx, dy), dims=(-2, -1))
        for image in point_images
        for dx in range(size)
        for dy in range(size)
    ]
    return torch.stack(images, dim=1)
    ### END SOLUTION


# %% [markdown]
# ### Averaging over the orbit
# Any function f of a configuration becomes invariant under the lattice symmetries when it is
# averaged over the orbit: f_G(s) = (1/|G|) sum_g f(g s). A convolutional network with periodic
# padding and global pooling is already invariant under translations, but not under rotations
# and reflections; its average is invariant under all of them. An f that was invariant already
# does not change.


# %%
def group_average(f: Callable[[torch.Tensor], torch.Tensor], s: torch.Tensor) -> torch.Tensor:
    r"""Average the function f over the orbit of each configuration under D4 x translations.

    Exercise ``week04_symmetry.group_average``.

    Math:
        f_G(s) = (1 / |G|) sum_{g in G} f(g s),   |G| = 8 L^2
        with G the symmetries of the periodic L x L lattice of ``lattice_orbit``.
    Args:
        f: a function of a batch of configurations: it maps a tensor of shape ``(N, L, L)`` to
            a tensor of shape ``(N,)`` or ``(N, K)``, in its input's dtype and device, row by row
            (row n of its output depends on configuration n only).
        s: configurations, shape ``(B, L, L)``, float32 or float64, any device.
    Returns:
        The averages, shape ``(B,)`` or ``(B, K)`` (the shape of ``f``'s output for B
        configurations), dtype and device of ``s``; differentiable (autograd) in ``s`` and in
        whatever ``f`` depends on.
    Properties the grader checks:
        averaging an invariant function (the Ising energy) changes nothing; the average of a
        convolutional network is invariant under rotations, reflections and translations of
        ``s``; gradients w.r.t. ``s`` and the network's weights.
    Allowed:
        any torch operation; you may call your ``lattice_orbit``, and call ``f`` once on the
        whole orbit (reshaped to ``(B * 8 L^2, L, L)``) or once per group element.
    Do not modify ``s`` in place.
    """
    ### BEGIN SOLUTION
    orbit = lattice_orbit(s)
    batch, count = orbit.shape[:2]
    values = f(orbit.reshape(batch * count, *s.shape[1:]))
    return values.reshape(batch, count, *values.shape[1:]).mean(dim=1)
    ### END SOLUTION


# %% [markdown]
# ### Functions of sets: deep sets
# A set of N particles has no order: a function of it must be invariant under the N! permutations.
# Averaging over all of them is hopeless, but a sum is already invariant: every invariant function
# of a set can be written rho(sum_i phi(x_i)) (Zaheer et al., 2017). Sets of different sizes are
# stored in one padded tensor with a mask; the padded rows hold junk and must not count.


# %%
def deep_sets(
    x: torch.Tensor,
    mask: torch.Tensor | None,
    phi: Callable[[torch.Tensor], torch.Tensor],
    rho: Callable[[torch.Tensor], torch.Tensor],
) -> torch.Tensor:
    r"""Evaluate the permutation-invariant network rho(sum_i mask_i phi(x_i)) on a batch of sets.

    Exercise ``week04_symmetry.deep_sets``.

    Math:
        out[b] = rho( sum_{i : mask[b, i]} phi(x[b, i]) )
        A set with no element (every row masked, or N = 0) gives rho(0).
    Args:
        x: the elements, shape ``(B, N, F)`` (B sets of at most N elements with F features),
            float32 or float64, any device. Masked rows hold arbitrary (finite) junk.
        mask: ``torch.bool`` of shape ``(B, N)``, True where ``x[b, i]`` is an element of set b;
            ``None`` means every row is present.
        phi: the element network, acting on the last dim: ``(..., F) -> (..., H)`` for any
            leading shape, in its input's dtype and device.
        rho: the set network, ``(B, H) -> (B, F_out)``.
    Returns:
        The outputs, shape ``(B, F_out)``, dtype and device of ``x``; differentiable (autograd)
        in ``x`` and in the parameters of ``phi`` and ``rho``.
    Properties the grader checks:
        padding invariance (appending masked junk rows changes nothing); permutation invariance
        (permuting the rows of a set, with its mask, changes nothing); a set with every row
        masked, and N = 0, give rho(0); ``mask=None`` is the same as an all-True mask.
    Allowed:
        any torch operation; ``phi`` may be called on all rows or on the present rows only.
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    features = phi(x)
    if mask is not None:
        features = torch.where(mask[..., None], features, torch.zeros_like(features))
    return rho(features.sum(dim=1))
    ### END SOLUTION
