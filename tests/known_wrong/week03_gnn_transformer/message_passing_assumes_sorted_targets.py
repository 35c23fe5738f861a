"""Splits the messages into consecutive segments of bincount(target) rows: right only when the
columns are sorted by target."""

import torch

EXPECT = {
    "exercise": "week03_gnn_transformer.message_passing",
    "check": "edge columns reordered, nodes relabelled, 'sum', float64, relabelling the nodes "
    "permutes the output",
    "message": r"relabelling the nodes must permute the output alike",
}


def message_passing(x, edge_index, psi, phi, aggr="sum"):
    source, target = edge_index[0], edge_index[1]
    messages = psi(x[target], x[source])
    counts = torch.bincount(target, minlength=x.shape[0])
    rows = []
    for segment in messages.split(counts.tolist()):
        if segment.shape[0] == 0:
            rows.append(messages.new_zeros(messages.shape[1]))
        elif aggr == "max":
            rows.append(segment.max(dim=0).values)
        elif aggr == "mean":
            rows.append(segment.mean(dim=0))
        else:
            rows.append(segment.sum(dim=0))
    return phi(x, torch.stack(rows))
