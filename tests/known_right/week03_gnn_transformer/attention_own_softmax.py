"""Writes the stable softmax out (shift by the row maximum, exp, normalize) instead of calling
torch.softmax, and masks with torch.where and nan_to_num."""

import math

import torch

EXPECT = {"exercise": "week03_gnn_transformer.scaled_dot_product_attention"}


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = torch.einsum("...id,...jd->...ij", q, k) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = torch.where(mask, scores, -math.inf)
    shifted = scores - scores.amax(dim=-1, keepdim=True)
    weights = shifted.exp()
    weights = (weights / weights.sum(dim=-1, keepdim=True)).nan_to_num(0.0)
    return torch.einsum("...ij,...jd->...id", weights, v)
