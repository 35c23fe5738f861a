"""Reads edge_index as (target, source): messages are aggregated at the sources."""

EXPECT = {
    "exercise": "week03_gnn_transformer.message_passing",
    "check": "random graph, a node receives nothing, 'sum', float64",
    "message": r"output: \d+/\d+ entries differ from the reference.*hint: edge_index\[0\] holds "
    r"the sources",
    "replace": {
        "    source, target = edge_index[0], edge_index[1]\n": (
            "    target, source = edge_index[0], edge_index[1]\n"
        ),
    },
}
