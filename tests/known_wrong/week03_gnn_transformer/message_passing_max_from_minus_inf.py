"""Starts the max from -inf: a node that receives nothing keeps -inf, and phi turns it into nan."""

EXPECT = {
    "exercise": "week03_gnn_transformer.message_passing",
    "check": "random graph, a node receives nothing, 'max', float64",
    "message": r"output: \d+/\d+ entries are (nan|-inf|\+inf|nan or .*) where the reference is "
    r"finite.*hint: a node that receives no message aggregates 0, not -inf",
    "lesson": True,
    "replace": {
        '        aggregate = zeros.scatter_reduce(0, index, messages, "amax", include_self=False)\n': (
            "        start = torch.full_like(zeros, -torch.inf)\n"
            '        aggregate = start.scatter_reduce(0, index, messages, "amax")\n'
        ),
    },
}
