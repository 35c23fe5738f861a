"""Counts the incoming edges with bincount(target) alone: too short a count when the last nodes
receive nothing, empty for a graph without edges."""

EXPECT = {
    "exercise": "week03_gnn_transformer.message_passing",
    "check": "no edges, 'mean', float64",
    "message": r"raised RuntimeError",
    "replace": {
        "            count = torch.bincount(target, minlength=x.shape[0]).clamp(min=1)\n": (
            "            count = torch.bincount(target).clamp(min=1)\n"
        ),
    },
}
