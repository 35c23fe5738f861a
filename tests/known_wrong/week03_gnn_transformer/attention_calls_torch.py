"""Calls torch's attention, which the docstring forbids."""

import torch.nn.functional as F

EXPECT = {
    "exercise": "week03_gnn_transformer.scaled_dot_product_attention",
    "check": "forbidden APIs",
    "message": r"uses forbidden .*torch\.nn\.functional\.scaled_dot_product_attention \(line \d+\)",
    "status": "banned",
}


def scaled_dot_product_attention(q, k, v, mask=None):
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
