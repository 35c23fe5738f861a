"""Sums over the samples instead of averaging: S times the gradient."""

EXPECT = {
    "exercise": "week06_generative1.score_function_grad",
    "check": "Gaussian, f = e^x, mu = 0.3, sigma = 0.8, float64, unbiased",
    "message": r"the exact gradient is .* standard errors away",
    "replace": {"(f_x[:, None] * score).mean(dim=0)": "(f_x[:, None] * score).sum(dim=0)"},
}
