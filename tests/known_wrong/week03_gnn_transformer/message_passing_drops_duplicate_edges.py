"""Removes repeated columns of edge_index first, as if the graph were a set of edges."""

EXPECT = {
    "exercise": "week03_gnn_transformer.message_passing",
    "check": "duplicate edges count twice, 'sum', float64",
    "message": r"output: \d+/\d+ entries differ from the reference.*hint: every column is an edge",
    "replace": {
        "    source, target = edge_index[0], edge_index[1]\n": (
            "    source, target = torch.unique(edge_index, dim=1)\n"
        ),
    },
}
