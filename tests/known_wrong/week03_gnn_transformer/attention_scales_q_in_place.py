"""Scales the queries in place, q /= sqrt(d): the caller's q is changed (and autograd refuses the
in-place change of a leaf that requires grad)."""

EXPECT = {
    "exercise": "week03_gnn_transformer.scaled_dot_product_attention",
    "check": "inputs left unmodified",
    "message": r"modified its input\(s\) q in place",
    "replace": {
        "    scores = q @ k.transpose(-2, -1) / q.shape[-1] ** 0.5\n": (
            "    q /= q.shape[-1] ** 0.5\n    scores = q @ k.transpose(-2, -1)\n"
        )
    },
}
