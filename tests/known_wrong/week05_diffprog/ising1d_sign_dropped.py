"""Takes (|lambda_-| / lambda_+)^N without its sign: wrong for an antiferromagnet with odd N."""

EXPECT = {
    "exercise": "week05_diffprog.ising1d_lnZ",
    "check": "antiferromagnet, odd N = 5, float64",
    "message": r"differ.*hint: for J < 0 the small eigenvalue lambda_- is negative",
    "replace": {
        "torch.log1p(sign * torch.exp(N * (log_small - log_large)))": (
            "torch.log1p(torch.exp(N * (log_small - log_large)))"
        )
    },
}
