"""Sorts the columns of edge_index by target in place before aggregating."""

EXPECT = {
    "exercise": "week03_gnn_transformer.message_passing",
    "check": "inputs left unmodified",
    "message": r"modified its input\(s\) edge_index in place",
    "replace": {
        "    source, target = edge_index[0], edge_index[1]\n": (
            "    edge_index[:] = edge_index[:, edge_index[1].argsort(stable=True)]\n"
            "    source, target = edge_index[0], edge_index[1]\n"
        ),
    },
}
