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

from collections.abc import Callable

import torch

# %% [markdown]
# ## Part 1: graph networks
# A graph with N nodes carries a feature vector x_i on every node; its edges say who talks to whom.
# A graph network updates every node from its own features and those of its neighbours, with the
# same weights for every node: relabel the nodes (a permutation P) and the output is relabelled the
# same way, h(Px, PAP^T) = P h(x, A). Summing the node outputs (a readout) gives a number that does
# not depend on the labels at all: the energy of a molecule does not care which atom is called 1.

# %% [markdown]
# ## Graph convolution
# On the slides a graph convolution layer is h = sigma(A~ x W) with A~ = A + I: each node sums its
# neighbours' features and its own (the self-loop), then a weight matrix shared by all nodes mixes
# the features. High-degree nodes then get large sums; Kipf and Welling normalize symmetrically,
# D~^{-1/2} A~ D~^{-1/2} with D~ the diagonal matrix of degrees, and on a directed graph one takes
# the mean over the in-neighbours, D~^{-1} A~ ('row'). A node with no neighbours and no self-loop
# has degree 0: its sum is empty and its output is 0, not 0 / 0.
#
# The slides' example graph has the adjacency matrix
# [[0, 1, 1, 1], [1, 0, 0, 1], [1, 0, 0, 1], [1, 1, 1, 0]].


# %%
def graph_conv(
    x: torch.Tensor,
    adj: torch.Tensor,
    weight: torch.Tensor,
    add_self_loops: bool = True,
    normalize: str | None = None,
    activation: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> torch.Tensor:
    r"""Apply one graph convolution layer to the node features ``x`` of a graph (or a batch).

    Exercise ``week03_gnn_transformer.graph_conv``.

    Math:
        A~ = A + I if ``add_self_loops`` else A           (A = ``adj``, entry A[i, j] = 1: node i
                                                          receives from node j)
        deg_i = sum_j A~[i, j]                            (the row sums: in-degrees)
        A^ = A~                                           if normalize is None
             D~^{-1} A~,        A^[i, j] = A~[i, j] / deg_i                   if normalize == 'row'
             D~^{-1/2} A~ D~^{-1/2}, A^[i, j] = A~[i, j] / sqrt(deg_i deg_j)  if normalize == 'sym'
        h = activation(A^ x W)   (no activation when ``activation`` is None)
        1/deg and 1/sqrt(deg) are read as 0 where deg = 0: a node of degree 0 (no neighbours,
        no self-loop) has an empty row of A^ and the output activation(0); 0 * (1/0) = nan there
        is a bug.
    Args:
        x: node features, shape ``(..., N, F_in)``, float32 or float64, any device.
        adj: adjacency matrix, shape ``(..., N, N)`` with the same leading (batch) dims as ``x``:
            bool, or floating with entries 0 and 1 (in ``x``'s dtype); zero diagonal; not
            necessarily symmetric (a directed graph). Same device as ``x``.
        weight: shape ``(F_in, F_out)``, dtype and device of ``x``.
        add_self_loops: add the identity to ``adj`` (each node also keeps its own features).
        normalize: None, 'row' or 'sym' (see Math; 'sym' is meant for undirected graphs).
        activation: an elementwise function (e.g. ``torch.tanh``) or None.
    Returns:
        h, shape ``(..., N, F_out)``, dtype and device of ``x``.
    Numerics:
        Finite for every graph: isolated nodes with normalization give 0 (activation(0)), not nan.
        Differentiable (autograd) in ``x`` and ``weight``.
    Properties the grader checks:
        permutation equivariance h(Px, PAP^T) = P h(x, A), and the readout sum_i h_i is invariant
        under relabelling of the nodes; the slides' graph, bool adjacency, batched graphs, a
        directed graph with 'row', isolated nodes, a graph without edges.
    Allowed:
        any torch operation (``@``, ``torch.eye``, ``torch.where``, ``torch.sparse``, loops).
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    adjacency = adj.to(x.dtype)
    if add_self_loops:
        adjacency = adjacency + torch.eye(adj.shape[-1], dtype=x.dtype, device=x.device)
    features = x @ weight
    degree = adjacency.sum(dim=-1, keepdim=True)
    if normalize == "sym":
        scale = torch.where(degree > 0, degree, 1).rsqrt() * (degree > 0)
        features = scale * (adjacency @ (scale * features))
    elif normalize == "row":
        features = (adjacency @ features) / degree.clamp(min=1)
    else:
        features = adjacency @ features
    return features if activation is None else activation(features)
    ### END SOLUTION


# %% [markdown]
# ## Message passing
# General message passing (Gilmer et al.) works on a list of edges instead of a matrix. Every edge
# j -> i carries a message psi(x_i, x_j) computed from the features of its target i and its source
# j; each node aggregates the messages it receives with a function that does not depend on their
# order (sum, mean or max), and updates its features from its own and the aggregate:
# h_i = phi(x_i, aggr_{j -> i} psi(x_i, x_j)). Nodes that receive no message aggregate 0.


# %%
def message_passing(
    x: torch.Tensor,
    edge_index: torch.Tensor,
    psi: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    phi: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    aggr: str = "sum",
) -> torch.Tensor:
    r"""One round of message passing on the graph ``edge_index``.

    Exercise ``week03_gnn_transformer.message_passing``.

    Math:
        For each edge e, column e of ``edge_index``: source j = edge_index[0, e], target
        i = edge_index[1, e]; its message is m_e = psi(x_i, x_j) (target first).
        a_i = aggr over the edges e with target i of m_e, per message component:
              'sum': sum_e m_e;  'mean': (sum_e m_e) / (number of such edges);  'max': max_e m_e.
        A node that is the target of no edge has a_i = 0, for every ``aggr`` (not 0/0, not -inf);
        a node that receives messages takes their max, even where it is negative.
        h = phi(x, a).
        Every column counts: an edge listed twice sends its message twice (it counts twice in
        'sum' and 'mean'). Self-loops (i -> i) are ordinary edges.
    Args:
        x: node features, shape ``(N, F)``, float32 or float64, any device.
        edge_index: shape ``(2, E)``, int64, on ``x``'s device; row 0 the sources, row 1 the
            targets, in any order; E may be 0.
        psi: the message function, ``psi(x_i, x_j) -> (E', M)`` for ``x_i, x_j`` of shape
            ``(E', F)``; it acts row by row (call it once on all edges, or on any subset).
        phi: the update function, ``phi(x, a) -> (N, F_out)`` for ``x`` of shape ``(N, F)`` and
            ``a`` of shape ``(N, M)``; call it once, on all nodes.
        aggr: 'sum', 'mean' or 'max'.
    Returns:
        h, shape ``(N, F_out)``, dtype and device of ``x``.
    Numerics:
        Finite for every graph; differentiable (autograd) in ``x`` and in the parameters of
        ``psi`` and ``phi``.
    Properties the grader checks:
        invariance under reordering the columns of ``edge_index``; relabelling the nodes (x
        permuted, edge_index renumbered) permutes the output; nodes without incoming edges;
        duplicate edges; a graph without edges.
    Allowed:
        any torch operation (``index_add``, ``scatter_reduce``, ``index_reduce``, loops).
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    source, target = edge_index[0], edge_index[1]
    messages = psi(x[target], x[source])
    shape = (x.shape[0], messages.shape[-1])
    zeros = messages.new_zeros(shape)
    if aggr == "max":
        index = target[:, None].expand_as(messages)
        aggregate = zeros.scatter_reduce(0, index, messages, "amax", include_self=False)
    else:
        aggregate = zeros.index_add(0, target, messages)
        if aggr == "mean":
            count = torch.bincount(target, minlength=x.shape[0]).clamp(min=1)
            aggregate = aggregate / count[:, None].to(messages.dtype)
    return phi(x, aggregate)
    ### END SOLUTION


# %% [markdown]
# ## Part 2: attention
# Attention is a soft dictionary: each query asks every key how similar it is, and takes the
# values weighted by the softmax of those similarities.
