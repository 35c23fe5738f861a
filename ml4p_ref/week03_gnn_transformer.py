"""Hidden reference for week 3: graph networks and attention."""

from __future__ import annotations

from collections.abc import Callable

import torch


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
