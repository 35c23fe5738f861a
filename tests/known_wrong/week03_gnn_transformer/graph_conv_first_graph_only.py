"""Assumes every graph of a batch shares one adjacency and uses the first graph's for all."""

EXPECT = {
    "exercise": "week03_gnn_transformer.graph_conv",
    "check": "a graph and its relabelled copy, undirected graph, 'sym', float64, permutation "
    "equivariance",
    "message": r"relabelling the nodes \(x -> Px, A -> PAP\^T\) must relabel the output alike",
    "replace": {
        "    adjacency = adj.to(x.dtype)\n": (
            "    adjacency = (adj[0] if adj.dim() > 2 else adj).to(x.dtype)\n"
        ),
    },
}
