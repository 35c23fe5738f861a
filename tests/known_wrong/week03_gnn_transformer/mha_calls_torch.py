"""Hands the work to nn.MultiheadAttention, which the docstring forbids."""

import torch

EXPECT = {
    "exercise": "week03_gnn_transformer.multi_head_attention",
    "check": "forbidden APIs",
    "message": r"uses forbidden .*torch\.nn\.MultiheadAttention \(line \d+\)",
    "status": "banned",
}


def multi_head_attention(x_q, x_kv, W_q, W_k, W_v, W_o, mask=None):
    h, f, d = W_q.shape
    layer = torch.nn.MultiheadAttention(f, h, bias=False, batch_first=True)
    layer = layer.to(dtype=x_q.dtype, device=x_q.device)
    with torch.no_grad():
        projections = [W.permute(1, 0, 2).reshape(f, h * d).T for W in (W_q, W_k, W_v)]
        layer.in_proj_weight.copy_(torch.cat(projections))
        layer.out_proj.weight.copy_(W_o.T)
    attn_mask = None if mask is None else ~mask
    return layer(x_q, x_kv, x_kv, attn_mask=attn_mask, need_weights=False)[0]
