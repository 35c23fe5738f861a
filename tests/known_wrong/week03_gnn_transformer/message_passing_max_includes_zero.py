"""Takes the max on zeros with include_self=True (the default): negative maxima become 0."""

EXPECT = {
    "exercise": "week03_gnn_transformer.message_passing",
    "check": "random graph, a node receives nothing, 'max', float64",
    "message": r"output: \d+/\d+ entries differ from the reference.*hint: include_self=True takes "
    r"the max with the zeros",
    "replace": {
        '        aggregate = zeros.scatter_reduce(0, index, messages, "amax", include_self=False)\n': (
            '        aggregate = zeros.scatter_reduce(0, index, messages, "amax")\n'
        ),
    },
}
