"""Dense aggregation with the (N, E) incidence matrix of the targets; the max masks with -inf
and puts 0 where a node receives nothing."""

import torch

EXPECT = {"exercise": "week03_gnn_transformer.message_passing"}


def message_passing(x, edge_index, psi, phi, aggr="sum"):
    source, target = edge_index
    messages = psi(x[target], x[source])
    incidence = torch.nn.functional.one_hot(target, x.shape[0]).T.to(x.dtype)
    if aggr == "max":
        masked = torch.where(incidence[:, :, None] > 0, messages[None], -torch.inf)
        best = masked.amax(dim=1) if messages.shape[0] else masked.sum(dim=1)
        aggregate = torch.where(incidence.sum(dim=1, keepdim=True) > 0, best, 0.0)
    else:
        aggregate = incidence @ messages
        if aggr == "mean":
            aggregate = aggregate / incidence.sum(dim=1, keepdim=True).clamp(min=1)
    return phi(x, aggregate)
