"""'row' divides by adj.sum(-1) without keepdim: entry (i, j) is divided by deg_j, not deg_i."""

EXPECT = {
    "exercise": "week03_gnn_transformer.graph_conv",
    "check": "directed graph, 'row', tanh, float64",
    "message": r"output: \d+/\d+ entries differ from the reference.*hint: 'row' divides row i by "
    r"its own degree",
    "replace": {
        "        features = (adjacency @ features) / degree.clamp(min=1)\n": (
            "        features = (adjacency / adjacency.sum(dim=-1).clamp(min=1)) @ features\n"
        ),
    },
}
