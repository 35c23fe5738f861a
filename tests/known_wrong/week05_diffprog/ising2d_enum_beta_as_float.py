"""Reads beta as a Python float: ln Z is right but detached, so no derivative can be taken."""

EXPECT = {
    "exercise": "week05_diffprog.ising2d_lnZ_enumerate",
    "check": "3 x 3 torus, float64, gradients",
    "message": r"gradient w.r.t. beta.*hint: ln Z must be differentiable",
    "replace": {
        "    return torch.logsumexp(beta * (J * bonds + h * magnetization), dim=0)\n": (
            "    return torch.logsumexp(float(beta) * (J * bonds + h * magnetization), dim=0)\n"
        )
    },
}
