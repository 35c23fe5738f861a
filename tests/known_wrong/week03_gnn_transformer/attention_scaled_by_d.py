"""Scales the scores by 1/d instead of 1/sqrt(d): the softmax comes out too flat."""

EXPECT = {
    "exercise": "week03_gnn_transformer.scaled_dot_product_attention",
    "check": "self-attention, float64",
    "message": r"entries differ from the reference.*hint: scale the scores by 1/sqrt\(d\), not by 1/d",
    "lesson": True,
    "replace": {
        "    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5\n": (
            "    scores = q @ k.transpose(-2, -1) / q.shape[-1]\n"
        )
    },
}
