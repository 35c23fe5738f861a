"""Takes d from the values, v.shape[-1], which is the same as the queries' only in self-attention
with d_v = d."""

EXPECT = {
    "exercise": "week03_gnn_transformer.scaled_dot_product_attention",
    "check": "cross-attention, N_q != N_k, d_v != d, float64",
    "message": r"differ from the reference.*hint: d in 1/sqrt\(d\) is the size of the queries",
    "replace": {
        "    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5\n": (
            "    scores = q @ k.transpose(-2, -1) / v.shape[-1] ** 0.5\n"
        )
    },
}
