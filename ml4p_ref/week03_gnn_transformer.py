"""Hidden reference for week 3: graph networks and attention."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F


# ---------------------------------------------------------------------------------- graph networks
def _inverse_or_zero(values: torch.Tensor) -> torch.Tensor:
    """``1 / values`` where positive, 0 where 0 (a node of degree 0 has an empty row)."""
    positive = values > 0
    return torch.where(positive, 1 / torch.where(positive, values, 1), 0)


def graph_conv(
    x: torch.Tensor,
    adj: torch.Tensor,
    weight: torch.Tensor,
    add_self_loops: bool = True,
    normalize: str | None = None,
    activation: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> torch.Tensor:
    """Reference for week03_gnn_transformer.graph_conv: the propagation matrix A^ built explicitly
    from diagonal degree matrices (``torch.diag_embed``), then ``(A^ @ x) @ weight``."""
    n = adj.shape[-1]
    matrix = adj.to(x.dtype) + (torch.eye(n, dtype=x.dtype) if add_self_loops else 0)
    degree = matrix.sum(dim=-1)
    if normalize == "row":
        matrix = torch.diag_embed(_inverse_or_zero(degree)) @ matrix
    elif normalize == "sym":
        half = torch.diag_embed(_inverse_or_zero(degree.sqrt()))
        matrix = half @ matrix @ half
    elif normalize is not None:
        raise ValueError(f"normalize must be None, 'row' or 'sym', not {normalize!r}")
    out = (matrix @ x) @ weight
    return out if activation is None else activation(out)


def message_passing(
    x: torch.Tensor,
    edge_index: torch.Tensor,
    psi: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    phi: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    aggr: str = "sum",
) -> torch.Tensor:
    """Reference for week03_gnn_transformer.message_passing: ``scatter_reduce`` onto zeros with
    ``include_self=False`` (a node that receives nothing keeps its 0, for every reduction)."""
    reductions = {"sum": "sum", "mean": "mean", "max": "amax"}
    source, target = edge_index
    messages = psi(x[target], x[source])
    index = target[:, None].expand(-1, messages.shape[-1])
    zeros = messages.new_zeros(x.shape[0], messages.shape[-1])
    aggregate = zeros.scatter_reduce(0, index, messages, reductions[aggr], include_self=False)
    return phi(x, aggregate)


# --------------------------------------------------------------------------------------- attention
def scaled_dot_product_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None = None
) -> torch.Tensor:
    """Reference for week03_gnn_transformer.scaled_dot_product_attention: torch's
    ``F.scaled_dot_product_attention`` (True = may attend), with the course's convention for a
    query that may attend to no key enforced here, whatever the torch version: zeros."""
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    if mask is None:
        return out
    attends_to_nothing = ~torch.broadcast_to(mask, out.shape[:-1] + k.shape[-2:-1]).any(-1)
    return torch.where(attends_to_nothing[..., None], torch.zeros_like(out), out)


def multi_head_attention(
    x_q: torch.Tensor,
    x_kv: torch.Tensor,
    W_q: torch.Tensor,
    W_k: torch.Tensor,
    W_v: torch.Tensor,
    W_o: torch.Tensor,
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """Reference for week03_gnn_transformer.multi_head_attention: one head at a time through the
    reference attention, the heads joined by ``torch.cat`` in head order, then ``W_o``."""
    heads = [
        scaled_dot_product_attention(x_q @ W_q[i], x_kv @ W_k[i], x_kv @ W_v[i], mask)
        for i in range(W_q.shape[0])
    ]
    return torch.cat(heads, dim=-1) @ W_o


def sinusoidal_positions(
    n: int, d: int, dtype: torch.dtype = torch.float32, device: torch.device | str | None = None
) -> torch.Tensor:
    """Reference for week03_gnn_transformer.sinusoidal_positions: column by column, in float64,
    the frequency of column j set by its even column 2 * (j // 2)."""
    position = torch.arange(n, dtype=torch.float64)
    columns = []
    for column in range(d):
        angle = position / 10000.0 ** (2 * (column // 2) / d)
        columns.append(torch.sin(angle) if column % 2 == 0 else torch.cos(angle))
    return torch.stack(columns, dim=-1).to(dtype=dtype, device=device)
