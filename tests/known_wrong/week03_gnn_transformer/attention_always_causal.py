"""Applies a causal mask although none was given: query i sees only the keys j <= i, so the order
of the queries and of the keys matters."""

EXPECT = {
    "exercise": "week03_gnn_transformer.scaled_dot_product_attention",
    "check": "permuted copies, float64, query permutation equivariance",
    "message": r"permuting the queries must permute the outputs the same way; yours differ",
    "replace": {
        "    if mask is None:\n        return torch.softmax(scores, dim=-1) @ v\n": (
            "    if mask is None:\n"
            "        mask = torch.ones(scores.shape[-2:], dtype=torch.bool).tril()\n"
        )
    },
}
