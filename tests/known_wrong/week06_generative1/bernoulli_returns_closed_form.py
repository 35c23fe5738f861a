"""Returns the exact gradient p (1 - p) (f1 - f0) instead of estimating it from the samples."""

EXPECT = {
    "exercise": "week06_generative1.bernoulli_score_grad",
    "check": "random logit and f, float64",
    "message": r"differ from the reference.*hint: estimate from the samples",
    "replace": {
        "    return (f_x * (x - p)).mean()": "    return p * (1 - p) * (f1 - f0) + 0 * x.mean()"
    },
}
