"""Fills masked scores with -inf and stops there: a query that may attend to no key gets the nan
of the softmax of an all -inf row."""

EXPECT = {
    "exercise": "week03_gnn_transformer.scaled_dot_product_attention",
    "check": "a fully masked query row gives zeros, float64",
    "message": r"entries are nan where the reference is finite.*hint: a query whose mask row is "
    r"all False attends to nothing",
    "replace": {
        "    return weights.masked_fill(attends_to_nothing, 0.0) @ v\n": "    return weights @ v\n"
    },
}
