"""Aggregates node by node into Python lists and wraps them with torch.tensor: right values, but
no gradient reaches psi."""

import torch

EXPECT = {
    "exercise": "week03_gnn_transformer.message_passing",
    "check": "random graph, a node receives nothing, 'sum', float64, gradients",
    "message": r"gradient w.r.t. psi\.W0: expected a torch.Tensor, got None",
}


def message_passing(x, edge_index, psi, phi, aggr="sum"):
    messages = psi(x[edge_index[1]], x[edge_index[0]])
    rows = []
    for node in range(x.shape[0]):
        mine = messages[edge_index[1] == node]
        if mine.shape[0] == 0:
            rows.append([0.0] * messages.shape[1])
        elif aggr == "max":
            rows.append(mine.max(dim=0).values.tolist())
        elif aggr == "mean":
            rows.append(mine.mean(dim=0).tolist())
        else:
            rows.append(mine.sum(dim=0).tolist())
    return phi(x, torch.tensor(rows, dtype=x.dtype, device=x.device))
