"""Uses the score w.r.t. p, x/p - (1-x)/(1-p), where the parameter is the logit."""

EXPECT = {
    "exercise": "week06_generative1.bernoulli_score_grad",
    "check": "random logit and f, float64",
    "message": r"differ from the reference.*hint: that is the score w.r.t. p",
    "lesson": True,
    "replace": {"(f_x * (x - p)).mean()": "(f_x * (x / p - (1 - x) / (1 - p))).mean()"},
}
