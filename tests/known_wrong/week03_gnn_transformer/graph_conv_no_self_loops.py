"""Propagates with A alone: the self-loops of A~ = A + I are never added."""

EXPECT = {
    "exercise": "week03_gnn_transformer.graph_conv",
    "check": "the slides' graph, A + I, float64",
    "message": r"output: \d+/\d+ entries differ from the reference.*hint: add the self-loops",
    "replace": {
        "    if add_self_loops:\n        adjacency = adjacency + torch.eye(": (
            "    if False:\n        adjacency = adjacency + torch.eye("
        ),
    },
}
