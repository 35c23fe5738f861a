"""Reads the mask as nn.MultiheadAttention's attn_mask does: True = masked out."""

EXPECT = {
    "exercise": "week03_gnn_transformer.scaled_dot_product_attention",
    "check": "mask (N_q, N_k) for every batch and head, float64",
    "message": r"hint: mask True means 'may attend'",
    "replace": {
        '    scores = scores.masked_fill(~mask, float("-inf"))\n': (
            '    scores = scores.masked_fill(mask, float("-inf"))\n'
        ),
        "    attends_to_nothing = ~mask.any(dim=-1, keepdim=True)\n": (
            "    attends_to_nothing = mask.all(dim=-1, keepdim=True)\n"
        ),
    },
}
