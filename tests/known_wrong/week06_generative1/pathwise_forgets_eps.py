"""Uses f'(x) for both derivatives: the chain rule's factor eps of d/dsigma is missing."""

EXPECT = {
    "exercise": "week06_generative1.pathwise_grad",
    "check": "f = sin x, float64",
    "message": r"dsigma: .*differ from the reference.*hint: x = mu \+ sigma \* eps, so by the chain rule",
    "lesson": True,
}


def pathwise_grad(f, mu, sigma, eps):
    x = (mu + sigma * eps).detach().requires_grad_(True)
    (slope,) = torch.autograd.grad(f(x).sum(), x)  # noqa: F821 (the solution imports torch)
    return slope.mean(), slope.mean()
