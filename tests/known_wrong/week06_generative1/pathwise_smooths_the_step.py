"""Replaces f by a finite difference of width 0.1: nonzero for a step function, and biased."""

EXPECT = {
    "exercise": "week06_generative1.pathwise_grad",
    "check": "Gaussian, f = step, mu = 0.7, sigma = 1.3, float64, zero for a step function",
    "message": r"f is a step function: f'\(x\) = 0 wherever it is defined",
}


def pathwise_grad(f, mu, sigma, eps):
    x = mu + sigma * eps
    slope = (f(x + 0.05) - f(x - 0.05)) / 0.1
    return slope.mean().detach(), (slope * eps).mean().detach()
