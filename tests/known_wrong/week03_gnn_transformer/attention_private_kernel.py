"""Reaches torch's attention through a private kernel: the ban is on the operation."""

import torch

EXPECT = {
    "exercise": "week03_gnn_transformer.scaled_dot_product_attention",
    "check": "forbidden APIs",
    "message": r"operation aten\._scaled_dot_product_attention_math|operation aten\._safe_softmax",
    "status": "banned",
}


def scaled_dot_product_attention(q, k, v, mask=None):
    return torch.ops.aten._scaled_dot_product_attention_math(q, k, v, attn_mask=mask)[0]
