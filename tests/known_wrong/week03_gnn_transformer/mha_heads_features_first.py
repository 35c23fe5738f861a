"""Concatenates feature by feature (feature 0 of every head, then feature 1...) instead of head by
head."""

EXPECT = {
    "exercise": "week03_gnn_transformer.multi_head_attention",
    "check": "cross-attention, 3 heads, d != d_v, d_out != F, float64",
    "message": r"differ from the reference.*hint: concatenate the heads in head order",
    "replace": {
        "    merged = heads.transpose(1, 2).reshape(batch, tokens, count * d_v)": (
            "    merged = heads.permute(0, 2, 3, 1).reshape(batch, tokens, count * d_v)"
        )
    },
}
