"""Takes d v_i / d x_0 for every i (a per-coordinate loop that always reads the first column)."""

EXPECT = {
    "exercise": "week07_generative2.exact_divergence",
    "check": "linear field, float64, closed-form divergence",
    "message": r"the linear field v = x A\^T has divergence tr A",
    "replace": {
        "        divergence = divergence + grad_i[:, i]\n": "        divergence = divergence + grad_i[:, 0]\n"
    },
}
