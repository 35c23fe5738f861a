"""Never passes the mask on to the attention: every query sees the later tokens."""

EXPECT = {
    "exercise": "week03_gnn_transformer.multi_head_attention",
    "check": "causal mask tril(ones(N, N)), float64, d out_i / d x_j = 0 for j > i",
    "message": r"with the causal mask, output 0 must not depend on the later token 1 of x_kv",
    "replace": {
        "    head_mask = None if mask is None else mask.unsqueeze(-3)  # one mask for every head\n": (
            "    head_mask = None\n"
        )
    },
}
