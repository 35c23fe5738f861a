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
# # Week 6: generative models I
# A generative model is a probability distribution you can sample from, fitted to data or to a
# Boltzmann distribution. In the first part you write the pieces of variational inference: the
# KL divergence of a Gaussian, the reparameterization trick, the evidence lower bound (ELBO) of a
# variational autoencoder and the variational free energy, which bounds the true free energy of a
# physical system from above. In the second part you estimate gradients of expectations (the score
# function and the pathwise estimators) and write the free energy of a restricted Boltzmann
# machine.
#
# Check your work with `ml4p check week06`. Conventions for every exercise: outputs keep the
# input's dtype and device, inputs are never modified in place, and randomness is passed in as an
# argument (`eps`, `u`), never drawn inside a function.

# %%
"""Week 6 exercises: variational inference (KL, reparameterization, ELBO, VAE loss, variational free
energy), Monte Carlo gradient estimators and the free energy of a restricted Boltzmann machine."""

from __future__ import annotations

# %% [markdown]
# ## Part 1: variational inference
# Fit a simple distribution q to an intractable one p by minimizing KL(q || p); the bound it gives
# on ln p(x) (or on ln Z) is what the training minimizes.

# %% [markdown]
# ## Part 2: gradients of expectations, and Boltzmann machines
# The gradient of E_{x ~ p_theta}[f(x)] with respect to theta cannot be taken inside the samples
# naively: either differentiate the log-density (score function) or the sample itself (pathwise).
