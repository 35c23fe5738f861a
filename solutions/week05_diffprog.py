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
