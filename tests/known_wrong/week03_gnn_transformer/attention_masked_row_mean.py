"""Fills masked scores with -1e9: a fully masked row becomes uniform and returns the mean of the
values instead of zeros."""

EXPECT = {
    "exercise": "week03_gnn_transformer.scaled_dot_product_attention",
    "check": "a fully masked query row gives zeros, float64",
    "message": r"differ from the reference.*hint: .*not the mean of the values that a finite fill",
    "replace": {
        '    scores = scores.masked_fill(~mask, float("-inf"))\n': (
            "    scores = scores.masked_fill(~mask, -1e9)\n"
        ),
        "    return weights.masked_fill(attends_to_nothing, 0.0) @ v\n": "    return weights @ v\n",
    },
}
