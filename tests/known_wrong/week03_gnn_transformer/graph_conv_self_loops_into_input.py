"""adj.to(x.dtype) returns adj itself when the dtypes agree: += then writes the loops into adj."""

EXPECT = {
    "exercise": "week03_gnn_transformer.graph_conv",
    "check": "inputs left unmodified",
    "message": r"modified its input\(s\) adj in place",
    "replace": {
        "        adjacency = adjacency + torch.eye(": "        adjacency += torch.eye(",
    },
}
