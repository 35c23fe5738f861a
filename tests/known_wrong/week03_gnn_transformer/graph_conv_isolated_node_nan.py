"""Normalizes with deg ** -0.5 and 1 / deg as they are: a node of degree 0 gets 0 * inf = nan."""

EXPECT = {
    "exercise": "week03_gnn_transformer.graph_conv",
    "check": "isolated node, no self-loops, 'sym', float64",
    "message": r"output: \d+/\d+ entries are nan where the reference is finite.*hint: a node of "
    r"degree 0",
    "lesson": True,
    "replace": {
        "        scale = torch.where(degree > 0, degree, 1).rsqrt() * (degree > 0)\n": (
            "        scale = degree**-0.5\n"
        ),
        "        features = (adjacency @ features) / degree.clamp(min=1)\n": (
            "        features = (adjacency @ features) / degree\n"
        ),
    },
}
