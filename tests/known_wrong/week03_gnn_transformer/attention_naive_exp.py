"""Normalizes exp(scores) without subtracting the row maximum: scores of order 1e8 overflow."""

EXPECT = {
    "exercise": "week03_gnn_transformer.scaled_dot_product_attention",
    "check": "q and k of size 1e4, float32",
    "message": r"entries are nan where the reference is finite.*hint: scores of order 1e8 overflow",
    "replace": {
        "        return torch.softmax(scores, dim=-1) @ v\n": (
            "        weights = scores.exp()\n"
            "        return weights / weights.sum(dim=-1, keepdim=True) @ v\n"
        )
    },
}
