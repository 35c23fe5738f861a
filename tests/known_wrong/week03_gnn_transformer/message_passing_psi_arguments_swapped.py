"""Calls psi(x_j, x_i): the source's features first."""

EXPECT = {
    "exercise": "week03_gnn_transformer.message_passing",
    "check": "random graph, a node receives nothing, 'mean', float64",
    "message": r"output: \d+/\d+ entries differ from the reference.*hint: psi takes the target's "
    r"features first",
    "replace": {
        "    messages = psi(x[target], x[source])\n": "    messages = psi(x[source], x[target])\n",
    },
}
