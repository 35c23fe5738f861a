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
# ## An invariant energy and its forces
# A potential energy that depends on the positions only through the squared distances
# |x_i - x_j|^2 of the pairs is invariant under every translation, rotation and reflection of the
# whole configuration (the Euclidean group E(dim)) and under every relabelling of the particles:
#
#     E(x) = sum_{i<j} g(|x_i - x_j|^2),
#
# with g a small network (the pair term of a DeepMD-flavoured potential). The forces are
# F = -dE/dx, taken by autograd. Noether's theorem then holds exactly, whatever the weights of g:
# translation invariance gives a vanishing total force, sum_i F_i = 0 (momentum is conserved), and
# rotation invariance a vanishing total torque, sum_i x_i x F_i = 0 (angular momentum is
# conserved). The forces rotate with the configuration, F(x Q + s) = F(x) Q, and follow a
# permutation of the particles.


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
# ## Part 2: averaging over a group
# Any function becomes invariant when it is averaged over the orbit of its input under a finite
# group: f_G(x) = (1/|G|) sum_g f(g x).
