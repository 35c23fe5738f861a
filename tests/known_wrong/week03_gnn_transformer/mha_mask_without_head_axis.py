"""Hands a (B, N, M) mask to the (B, h, N, M) scores without a head axis: with B = h, batch element
b is masked like head b."""

EXPECT = {
    "exercise": "week03_gnn_transformer.multi_head_attention",
    "check": "mask (B, N, M), B = h = 2, float64",
    "message": r"differ from the reference.*hint: a \(B, N, M\) mask needs a head axis",
    "replace": {
        "    head_mask = None if mask is None else mask.unsqueeze(-3)  # one mask for every head\n": (
            "    head_mask = mask\n"
        )
    },
}
