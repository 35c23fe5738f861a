"""Sums |lambda_k / lambda_max|^Lx: the sign of the negative eigenvalues of an antiferromagnet is
lost, wrong for odd Lx."""

EXPECT = {
    "exercise": "week05_diffprog.ising2d_lnZ_transfer",
    "check": "antiferromagnet, odd Lx = 3, float64",
    "message": r"differ.*hint: an antiferromagnet's transfer matrix has negative eigenvalues",
    "replace": {
        "    ratios = (eigenvalues / largest) ** Lx\n": "    ratios = (eigenvalues / largest).abs() ** Lx\n"
    },
}
