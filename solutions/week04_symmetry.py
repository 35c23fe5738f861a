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
