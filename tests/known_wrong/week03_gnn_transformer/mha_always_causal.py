"""Masks causally although no mask was given (a decoder's habit): self-attention then depends on
the order of the tokens."""

EXPECT = {
    "exercise": "week03_gnn_transformer.multi_head_attention",
    "check": "permuted tokens, float64, permutation equivariance",
    "message": r"self-attention: permuting the tokens must permute the outputs the same way; yours",
    "replace": {
        "    head_mask = None if mask is None else mask.unsqueeze(-3)  # one mask for every head\n": (
            "    if mask is None:\n"
            "        mask = torch.ones(x_q.shape[1], x_kv.shape[1], dtype=torch.bool).tril()\n"
            "    head_mask = mask.unsqueeze(-3)\n"
        )
    },
}
