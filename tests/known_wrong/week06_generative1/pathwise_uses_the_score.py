"""Computes the score function estimator inside pathwise_grad: unbiased, but far noisier."""

EXPECT = {
    "exercise": "week06_generative1.pathwise_grad",
    "check": "Gaussian, f = x^2, mu = 0.7, sigma = 1.3, 100 batches, float64, "
    "variance below the score function estimator's",
    "message": r"not below the score function estimator's",
}


def pathwise_grad(f, mu, sigma, eps):
    f_x = f(mu + sigma * eps).detach()
    return (f_x * eps / sigma).mean(), (f_x * (eps**2 - 1) / sigma).mean()
