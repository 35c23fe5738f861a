"""Forms the eigenvalues as written, lambda_+- = e^{beta J} [...]: e^{beta J} overflows float32
at beta J = 89, so strong coupling gives inf."""

EXPECT = {
    "exercise": "week05_diffprog.ising1d_lnZ",
    "check": "strong coupling beta J = 100, N = 10, float32",
    "message": r"(nan|inf).*hint: e\^\{beta J\} overflows float32",
    "lesson": True,
}


def ising1d_lnZ(beta, N, J=1.0, h=0.0):
    coupling, field = beta * J, beta * h
    root = torch.sqrt(torch.sinh(field) ** 2 + torch.exp(-4 * coupling))  # noqa: F821
    large = torch.exp(coupling) * (torch.cosh(field) + root)  # noqa: F821
    small = torch.exp(coupling) * (torch.cosh(field) - root)  # noqa: F821
    return N * torch.log(large) + torch.log1p((small / large) ** N)  # noqa: F821
