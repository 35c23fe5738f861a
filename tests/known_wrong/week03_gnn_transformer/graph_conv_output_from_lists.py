"""Builds the output with torch.tensor from Python numbers: right values, no gradient."""

import torch

EXPECT = {
    "exercise": "week03_gnn_transformer.graph_conv",
    "check": "the slides' graph, A + I, float64, gradients",
    "message": r"not connected to the autograd graph",
}


def graph_conv(x, adj, weight, add_self_loops=True, normalize=None, activation=None):
    adjacency = adj.to(x.dtype)
    if add_self_loops:
        adjacency = adjacency + torch.eye(adj.shape[-1], dtype=x.dtype, device=x.device)
    degree = adjacency.sum(dim=-1, keepdim=True)
    if normalize == "sym":
        scale = torch.where(degree > 0, degree, 1).rsqrt() * (degree > 0)
        adjacency = scale * adjacency * scale.transpose(-1, -2)
    elif normalize == "row":
        adjacency = adjacency / degree.clamp(min=1)
    out = torch.tensor((adjacency @ x @ weight).tolist(), dtype=x.dtype, device=x.device)
    return out if activation is None else activation(out)
