"""Normalizes 'sym' with the degrees of A, counted before the self-loops are added."""

EXPECT = {
    "exercise": "week03_gnn_transformer.graph_conv",
    "check": "undirected graph, 'sym', float64",
    "message": r"output: \d+/\d+ entries differ from the reference.*hint: the degrees are those of "
    r"A~ = A \+ I",
    "replace": {
        "    degree = adjacency.sum(dim=-1, keepdim=True)\n": (
            "    degree = adj.to(x.dtype).sum(dim=-1, keepdim=True)\n"
        ),
    },
}
