"""Takes ln|lambda_-| = K + ln|cosh H - sqrt(sinh^2 H + e^{-4K})| directly instead of through
lambda_+ lambda_- = 2 sinh 2K, and sums the two terms with a sign-aware log-sum-exp."""

EXPECT = {"exercise": "week05_diffprog.ising1d_lnZ"}


def ising1d_lnZ(beta, N, J=1.0, h=0.0):
    coupling, field = beta * J, beta * h
    root = torch.sqrt(torch.sinh(field) ** 2 + torch.exp(-4 * coupling))  # noqa: F821
    log_large = coupling + torch.log(torch.cosh(field) + root)  # noqa: F821
    small = torch.cosh(field) - root  # noqa: F821
    log_small = coupling + torch.log(small.abs())  # noqa: F821
    ratio = torch.sign(small) ** N * torch.exp(N * (log_small - log_large))  # noqa: F821
    return N * log_large + torch.log1p(ratio)  # noqa: F821
