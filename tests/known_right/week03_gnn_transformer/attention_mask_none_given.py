"""Treats mask=None as a mask of ones: one code path for both."""

EXPECT = {
    "exercise": "week03_gnn_transformer.scaled_dot_product_attention",
    "replace": {
        "    if mask is None:\n        return torch.softmax(scores, dim=-1) @ v\n": (
            "    if mask is None:\n        mask = torch.ones_like(scores, dtype=torch.bool)\n"
        )
    },
}
