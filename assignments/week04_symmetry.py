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

# %% [markdown]
# ## Part 1: symmetry built into the architecture
# Every layer below is equivariant or invariant by construction: the checks apply random
# rotations, reflections, translations and permutations and compare.

# %% [markdown]
# ## Part 2: averaging over a group
# Any function becomes invariant when it is averaged over the orbit of its input under a finite
# group: f_G(x) = (1/|G|) sum_g f(g x).
