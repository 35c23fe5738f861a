"""Never applies the activation it is given."""

EXPECT = {
    "exercise": "week03_gnn_transformer.graph_conv",
    "check": "directed graph, 'row', tanh, float64",
    "message": r"output: \d+/\d+ entries differ from the reference.*hint: apply the activation",
    "replace": {
        "    return features if activation is None else activation(features)\n": (
            "    return features\n"
        ),
    },
}
