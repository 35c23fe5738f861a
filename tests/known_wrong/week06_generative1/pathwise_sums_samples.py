"""Differentiates the sum of f over the samples instead of their mean."""

EXPECT = {
    "exercise": "week06_generative1.pathwise_grad",
    "check": "f = x^3 - x, float32",
    "message": r"differ from the reference.*hint: the estimate is the mean over the samples",
    "replace": {"estimate = f(mu + sigma * eps).mean()": "estimate = f(mu + sigma * eps).sum()"},
}
