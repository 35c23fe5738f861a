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
#
# The torch exercises are also graded on a GPU, emulated where the machine has none: there a tensor
# made without the input's device (make it with `device=x.device`, `x.new_zeros(...)` or
# `torch.zeros_like(x)`), a `.numpy()` or `.cpu()` round trip, or a float32 constant in float64
# work (`torch.tensor(0.1)` without `dtype=x.dtype`) costs the devices share of the points.

# %%
"""Week 3 exercises: graph convolution, message passing, scaled dot-product attention,
multi-head attention and sinusoidal positions."""

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
# ### Graph convolution
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
    raise NotImplementedError(
        "week03_gnn_transformer.graph_conv: Apply one graph convolution layer to the node features ``x`` of a graph (or a batch)."
    )


# %% [markdown]
# ### Message passing
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
    raise NotImplementedError(
        "week03_gnn_transformer.message_passing: One round of message passing on the graph ``edge_index``."
    )


# %% [markdown]
# ## Part 2: attention
# Attention is a soft dictionary: each query asks every key how similar it is, and takes the
# values weighted by the softmax of those similarities.

# %% [markdown]
# ### Scaled dot-product attention
# Stack the queries, keys and values as rows of Q (N_q x d), K (N_k x d) and V (N_k x d_v). Query
# i scores key j by the dot product q_i . k_j / sqrt(d); a softmax over the keys turns the scores
# of a query into weights, and the output of the query is the weighted mean of the values. The
# 1/sqrt(d) keeps the scores of order one whatever d: the dot product of two random vectors with
# unit entries grows like sqrt(d), and a softmax of large scores is a hard argmax with vanishing
# gradients. A boolean mask says which keys a query may attend to (True = may attend); a query
# that may attend to no key at all gets the output 0.


# %%
def scaled_dot_product_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None = None
) -> torch.Tensor:
    r"""Attend from every query to the keys, and average the values with the attention weights.

    Exercise ``week03_gnn_transformer.scaled_dot_product_attention``.

    Math:
        A = softmax(Q K^T / sqrt(d)) along the keys,   out = A V,
        i.e. out_i = sum_j A_ij v_j with A_ij = exp(s_ij) / sum_j' exp(s_ij'), s_ij = q_i . k_j / sqrt(d)
        and d the size of a query (and of a key). With a mask, keys with ``mask[..., i, j] = False``
        are left out of query i's softmax (A_ij = 0); a query whose mask row is all False attends
        to nothing and its output is a row of zeros.
    Args:
        q: queries, shape ``(..., N_q, d)``, float32 or float64, any device.
        k: keys, shape ``(..., N_k, d)``, same dtype and device.
        v: values, shape ``(..., N_k, d_v)``, same dtype and device; d_v may differ from d.
        mask: ``None`` (every query attends to every key) or a bool tensor broadcastable to
            ``(..., N_q, N_k)``, True where query i may attend to key j (as
            ``F.scaled_dot_product_attention``); e.g. shape ``(N_q, N_k)``, shared by every batch
            element and head.
        The leading dimensions ``...`` (batch, heads) are the same for q, k and v.
    Returns:
        ``out``, shape ``(..., N_q, d_v)``, dtype and device of ``q``.
    Numerics:
        Must stay finite for q and k of size 1e4 in float32 (scores of order 1e8: use a stable
        softmax). A fully masked query row gives zeros, not nan, and finite gradients.
        Differentiable (autograd) in q, k and v.
    Properties the grader checks:
        a single key gives out = v; q = 0 gives the mean of the values; permuting the queries
        permutes the outputs (equivariance); permuting the keys and values together changes
        nothing (invariance); cross-attention with N_q != N_k and d_v != d.
    Allowed:
        any torch operation, ``torch.softmax`` included.
    Forbidden:
        ``torch.nn.functional.scaled_dot_product_attention`` (and the private attention kernels
        and ``_safe_softmax`` it runs), ``torch.nn.MultiheadAttention``,
        ``torch.nn.functional.multi_head_attention_forward``.
    Do not modify the inputs in place.
    """
    raise NotImplementedError(
        "week03_gnn_transformer.scaled_dot_product_attention: Attend from every query to the keys, and average the values with the attention weights."
    )


# %% [markdown]
# ### Multi-head attention
# One attention looks at the inputs through one set of projections. Multi-head attention runs h
# of them side by side, head i with its own projections W_i^Q, W_i^K, W_i^V, concatenates the h
# outputs along the features in head order, and mixes them with W^O:
# mha(x_q, x_kv) = [head_1, ..., head_h] W^O,  head_i = Attention(x_q W_i^Q, x_kv W_i^K, x_kv W_i^V).
# With x_q = x_kv it is self-attention, which is permutation equivariant: relabelling the tokens
# relabels the outputs. A causal mask (query i attends to keys j <= i) makes output i independent
# of the tokens after i.


# %%
def multi_head_attention(
    x_q: torch.Tensor,
    x_kv: torch.Tensor,
    W_q: torch.Tensor,
    W_k: torch.Tensor,
    W_v: torch.Tensor,
    W_o: torch.Tensor,
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    r"""Multi-head attention of the queries ``x_q`` to the keys and values ``x_kv``, without biases.

    Exercise ``week03_gnn_transformer.multi_head_attention``.

    Math:
        head_i = Attention(x_q W_q[i], x_kv W_k[i], x_kv W_v[i])          (scaled dot-product,
                 scaled by 1/sqrt(d), d = W_q.shape[-1], the size of one head's queries)
        out = [head_0, head_1, ..., head_{h-1}] W_o
        where [...] concatenates the heads along the features in head order: features
        i*d_v ... (i+1)*d_v - 1 of the concatenation are head i.
    Args:
        x_q: query tokens, shape ``(B, N, F)``, float32 or float64, any device.
        x_kv: key/value tokens, shape ``(B, M, F)``, same dtype and device (x_kv = x_q for
            self-attention).
        W_q, W_k: query and key projections, shape ``(h, F, d)``.
        W_v: value projections, shape ``(h, F, d_v)``.
        W_o: output projection, shape ``(h * d_v, d_out)``.
        mask: ``None`` or a bool tensor broadcastable to ``(B, N, M)`` (e.g. ``(N, M)`` for all the
            batch, or ``(B, N, M)``), True where query i may attend to key j; the same for every
            head. A query that may attend to no key gives a head output of zeros.
    Returns:
        ``out``, shape ``(B, N, d_out)``, dtype and device of ``x_q``.
    Numerics:
        Differentiable (autograd) in every input. With h = 1 it is scaled dot-product attention
        of the projections, followed by W_o.
    Properties the grader checks:
        self-attention is permutation equivariant; with the causal mask ``tril(ones(N, N))``
        (query i attends to keys j <= i) d out_i / d x_j = 0 for j > i; agreement with
        ``torch.nn.MultiheadAttention(F, h, bias=False, batch_first=True)`` when d = d_v = F / h.
    Allowed:
        any torch operation, your own ``scaled_dot_product_attention``, ``torch.einsum``.
    Forbidden:
        ``torch.nn.functional.scaled_dot_product_attention``, ``torch.nn.MultiheadAttention``,
        ``torch.nn.functional.multi_head_attention_forward``.
    Do not modify the inputs in place.
    """
    raise NotImplementedError(
        "week03_gnn_transformer.multi_head_attention: Multi-head attention of the queries ``x_q`` to the keys and values ``x_kv``, without biases."
    )


# %% [markdown]
# ### Sinusoidal positions
# Self-attention does not know the order of its tokens: permute them and the outputs are permuted
# alike. Where the order matters (a sentence, a time series, a chain of residues), add to token pos
# an encoding of its position. The sinusoidal encoding gives each pair of columns (2i, 2i+1) the
# sine and cosine of one angle pos * w_i, with frequencies w_i = 1 / 10000^(2i/d) from one turn per
# 2 pi positions down to one per 10000 * 2 pi. Moving k positions on rotates every pair by the
# angle k * w_i, so relative positions are easy to read off, and no two positions get the same
# encoding: adding it breaks the permutation equivariance.


# %%
def sinusoidal_positions(
    n: int, d: int, dtype: torch.dtype = torch.float32, device: torch.device | str | None = None
) -> torch.Tensor:
    r"""The sinusoidal position encoding of positions 0, ..., n - 1 in d features.

    Exercise ``week03_gnn_transformer.sinusoidal_positions``.

    Math:
        PE[pos, 2i]     = sin(pos * w_i),
        PE[pos, 2i + 1] = cos(pos * w_i),      w_i = 1 / 10000^(2i / d),
        for every column 2i < d and 2i + 1 < d: the two columns of a pair share one frequency, set
        by the even column 2i. For odd d the last column is a sine.
    Args:
        n: the number of positions, n >= 1.
        d: the number of features, d >= 1 (odd allowed).
        dtype: the floating dtype of the result (float32 or float64).
        device: the device of the result (``None``: the CPU).
    Returns:
        ``PE``, shape ``(n, d)``, of ``dtype`` on ``device``. Row 0 is [0, 1, 0, 1, ...].
    Numerics:
        Exact to float32 rounding for n up to a few tens.
    Properties the grader checks:
        no two positions get the same encoding (so that adding it to the tokens breaks the
        permutation equivariance of self-attention); each (sin, cos) pair lies on the unit circle.
    Allowed:
        any torch operation.
    """
    raise NotImplementedError(
        "week03_gnn_transformer.sinusoidal_positions: The sinusoidal position encoding of positions 0, ..., n - 1 in d features."
    )
