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
# # Week 3: graph networks and attention
# A molecule, a crystal or a set of particles has no natural order: relabel the atoms and the
# physics stays the same. Graph networks and transformers are built so that relabelling the input
# relabels the output (permutation equivariance), and summing over the nodes gives a number that
# does not care about the labels at all (permutation invariance).
#
# In the first part you write a graph convolution and general message passing on a graph given by
# its adjacency matrix or its list of edges. In the second part you write attention, the soft
# dictionary look-up of the transformer, and multi-head attention on top of it.
#
# Check your work with `ml4p check week03`. Conventions for every exercise: outputs keep the
# input's dtype and device, inputs are never modified in place, and the functions must work for
# float32 and float64 on any device.

# %%
"""Week 3 exercises: graph convolution, message passing, scaled dot-product attention and
multi-head attention."""

from __future__ import annotations

# %% [markdown]
# ## Part 1: graph networks
# A graph with N nodes carries a feature vector x_i on every node; its edges say who talks to whom.

# %% [markdown]
# ## Part 2: attention
# Attention is a soft dictionary: each query asks every key how similar it is, and takes the
# values weighted by the softmax of those similarities.
