"""Merges the heads with a reshape of (B, h, N, d_v) straight to (B, N, h * d_v): heads and token
positions are mixed."""

EXPECT = {
    "exercise": "week03_gnn_transformer.multi_head_attention",
    "check": "self-attention, 2 heads, float64",
    "message": r"entries differ from the reference.*hint: merge the heads as \(B, h, N, d_v\)",
    "lesson": True,
    "replace": {
        "    merged = heads.transpose(1, 2).reshape(batch, tokens, count * d_v)": (
            "    merged = heads.reshape(batch, tokens, count * d_v)"
        )
    },
}
