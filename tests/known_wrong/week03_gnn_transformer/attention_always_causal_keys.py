"""Applies a causal mask although none was given: which keys a query sees depends on their order."""

EXPECT = {
    "exercise": "week03_gnn_transformer.scaled_dot_product_attention",
    "check": "permuted copies, float64, key/value permutation invariance",
    "message": r"permuting the keys and the values together must leave the output unchanged; "
    r"yours differ",
    "replace": {
        "    if mask is None:\n        return torch.softmax(scores, dim=-1) @ v\n": (
            "    if mask is None:\n"
            "        mask = torch.ones(scores.shape[-2:], dtype=torch.bool).tril()\n"
        )
    },
}
