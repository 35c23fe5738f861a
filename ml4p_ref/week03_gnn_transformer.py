"""Hidden reference for week 3: graph networks and attention."""

from __future__ import annotations

import torch
import torch.nn.functional as F

# ---------------------------------------------------------------------------------- graph networks


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
