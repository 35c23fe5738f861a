"""Averages over the wrong axis: one number per sample instead of one per parameter."""

EXPECT = {
    "exercise": "week06_generative1.score_function_grad",
    "check": "random f(x) and scores, float32",
    "message": r"shape.*hint: average over the samples \(dim 0\)",
    "replace": {"(f_x[:, None] * score).mean(dim=0)": "(f_x[:, None] * score).mean(dim=1)"},
}
