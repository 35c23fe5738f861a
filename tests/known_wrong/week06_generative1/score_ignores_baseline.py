"""Never uses the baseline: the estimate keeps its mean but not its lower variance."""

EXPECT = {
    "exercise": "week06_generative1.score_function_grad",
    "check": "Gaussian, f = x^2, mu = 3, sigma = 0.2, baseline E[f], 100 batches, float64, "
    "a baseline keeps the mean and lowers the variance",
    "message": r"the variance of the estimates over 100 batches is .* a baseline must lower it",
    "replace": {"    if baseline is not None:\n        f_x = f_x - baseline\n": ""},
}
