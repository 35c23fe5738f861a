"""ln(lambda_+^N + lambda_-^N) as written: lambda_+^N overflows float32 for a long chain."""

EXPECT = {
    "exercise": "week05_diffprog.ising1d_lnZ",
    "check": "long chain, N = 1000, beta J = 3, float32",
    "message": r"inf.*hint: lambda_\+\^N overflows for a long chain",
}


def ising1d_lnZ(beta, N, J=1.0, h=0.0):
    coupling, field = beta * J, beta * h
    root = torch.sqrt(torch.sinh(field) ** 2 + torch.exp(-4 * coupling))  # noqa: F821
    large = torch.exp(coupling) * (torch.cosh(field) + root)  # noqa: F821
    small = torch.exp(coupling) * (torch.cosh(field) - root)  # noqa: F821
    return torch.log(large**N + small**N)  # noqa: F821
