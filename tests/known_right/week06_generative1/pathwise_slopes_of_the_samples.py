"""Differentiates f at the samples themselves and applies the chain rule by hand (detached)."""

EXPECT = {"exercise": "week06_generative1.pathwise_grad"}


def pathwise_grad(f, mu, sigma, eps):
    x = (mu + sigma * eps).detach().requires_grad_(True)
    (slope,) = torch.autograd.grad(f(x).sum(), x, allow_unused=True)  # noqa: F821
    if slope is None:
        slope = torch.zeros_like(x)  # noqa: F821
    return slope.mean().detach(), (slope * eps).mean().detach()
