"""Adds the self-loops in place to a copy of adj: a bool adjacency cannot hold a float sum."""

EXPECT = {
    "exercise": "week03_gnn_transformer.graph_conv",
    "check": "bool adjacency, 'sym', float64",
    "message": r"raised RuntimeError.*hint: a bool adjacency must be converted",
    "replace": {
        "    adjacency = adj.to(x.dtype)\n    if add_self_loops:\n        adjacency = adjacency + ": (
            "    adjacency = adj.clone()\n    if add_self_loops:\n        adjacency += "
        ),
        "    features = x @ weight\n": "    adjacency = adjacency.to(x.dtype)\n    features = x @ weight\n",
    },
}
