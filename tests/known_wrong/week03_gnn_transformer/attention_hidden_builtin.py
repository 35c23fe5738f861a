"""Reaches torch's attention through a name the source does not show: caught at run time."""

import importlib

EXPECT = {
    "exercise": "week03_gnn_transformer.scaled_dot_product_attention",
    "check": "forbidden APIs",
    "message": r"uses forbidden operation aten\._\w+ \(line \d+\)",
    "status": "banned",
}


def scaled_dot_product_attention(q, k, v, mask=None):
    kernels = importlib.import_module("torch._C._nn")
    return kernels.scaled_dot_product_attention(q, k, v, attn_mask=mask)
