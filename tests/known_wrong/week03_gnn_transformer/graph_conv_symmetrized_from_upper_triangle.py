"""Rebuilds a "symmetric" adjacency from its upper triangle: a directed graph loses its lower
half, and which half that is depends on the labels."""

EXPECT = {
    "exercise": "week03_gnn_transformer.graph_conv",
    "check": "a graph and its relabelled copy, directed graph, 'row', tanh, float64, invariant "
    "readout",
    "message": r"the readout sum_i h_i must not change when the nodes are relabelled",
    "replace": {
        "    adjacency = adj.to(x.dtype)\n": (
            "    adjacency = adj.to(x.dtype).triu(diagonal=1)\n"
            "    adjacency = adjacency + adjacency.transpose(-1, -2)\n"
        ),
    },
}
