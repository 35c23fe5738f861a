"""Writes the attention inline and scales the scores by 1/sqrt(F), the size of the tokens, instead
of 1/sqrt(d), the size of one head's queries."""

import math

import torch

EXPECT = {
    "exercise": "week03_gnn_transformer.multi_head_attention",
    "check": "cross-attention, 3 heads, d != d_v, d_out != F, float64",
    "message": r"differ from the reference.*hint: scale by 1/sqrt\(d\), d = W_q.shape\[-1\]",
}


def multi_head_attention(x_q, x_kv, W_q, W_k, W_v, W_o, mask=None):
    heads = []
    for i in range(W_q.shape[0]):
        scores = (x_q @ W_q[i]) @ (x_kv @ W_k[i]).mT / math.sqrt(x_q.shape[-1])
        if mask is not None:
            scores = scores.masked_fill(~mask, -math.inf)
        weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)
        heads.append(weights @ (x_kv @ W_v[i]))
    return torch.cat(heads, dim=-1) @ W_o
