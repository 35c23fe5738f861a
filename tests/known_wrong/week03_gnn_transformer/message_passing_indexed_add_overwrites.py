"""Accumulates with a[target] += m: with repeated targets only one message per node survives."""

EXPECT = {
    "exercise": "week03_gnn_transformer.message_passing",
    "check": "random graph, a node receives nothing, 'sum', float64",
    "message": r"output: \d+/\d+ entries differ from the reference.*hint: a\[target\] \+= m keeps "
    r"one message per node",
    "replace": {
        "        aggregate = zeros.index_add(0, target, messages)\n": (
            "        aggregate = zeros.clone()\n        aggregate[target] += messages\n"
        ),
    },
}
