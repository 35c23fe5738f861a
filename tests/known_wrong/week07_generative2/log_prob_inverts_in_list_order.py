"""Inverts the layers in list order instead of from the last to the first."""

EXPECT = {
    "exercise": "week07_generative2.flow_log_prob",
    "check": "two affine layers, float64, affine flow gives N(b, a^2)",
    "message": r"must give exactly the density of N\(b, a\^2\)",
    "replace": {"    for layer in reversed(layers):\n": "    for layer in layers:\n"},
}
