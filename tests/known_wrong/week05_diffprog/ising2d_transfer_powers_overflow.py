"""Exponentiates T as it stands and raises its eigenvalues to the power Lx before the log: the
entries of T (e^{2 beta J Ly}) and lambda_max^Lx overflow float32 at strong coupling."""

EXPECT = {
    "exercise": "week05_diffprog.ising2d_lnZ_transfer",
    "check": "strong coupling beta J = 16, float32",
    "message": r"(nan|inf).*hint: lambda_max\^Lx \(or the entries of T\) overflow",
    "replace": {
        "    eigenvalues = torch.linalg.eigvalsh((exponent - shift).exp())\n": (
            "    eigenvalues = torch.linalg.eigvalsh(exponent.exp())\n"
        ),
        "    return Lx * (shift + largest.log()) + ratios.sum().log()\n": (
            "    return (eigenvalues**Lx).sum().log()\n"
        ),
    },
}
