"""Scores with (x - p) / 2: biased by a factor 1/2 on every draw."""

EXPECT = {
    "exercise": "week06_generative1.bernoulli_score_grad",
    "check": "logit 0.4, 100000 samples, float64, unbiased",
    "message": r"the exact gradient is .* standard errors away",
    "replace": {"(f_x * (x - p)).mean()": "(f_x * (x - p) / 2).mean()"},
}
