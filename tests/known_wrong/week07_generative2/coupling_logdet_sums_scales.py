"""Sums the scales exp(s) instead of the log-scales s: not the log of the Jacobian determinant."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "logdet vs autograd Jacobian, float64, logdet = log|det dx/dz|",
    "message": r"^logdet\[\d\] = .* but log\|det dx/dz\| of your forward map \(autograd "
    r"Jacobian\) is",
    "replace": {
        "        logdet = ((1 - m) * s).sum(dim=-1)\n": (
            "        logdet = ((1 - m) * torch.exp(s)).sum(dim=-1)\n"
        ),
        "        logdet_inv = -((1 - m) * s).sum(dim=-1)\n": (
            "        logdet_inv = -((1 - m) * torch.exp(s)).sum(dim=-1)\n"
        ),
    },
}
