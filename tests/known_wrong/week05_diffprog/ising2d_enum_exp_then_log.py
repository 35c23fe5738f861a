"""Sums the Boltzmann weights exp(-beta E) before taking the log: they overflow float32 at strong
coupling (e^{-beta E} = e^{288} for beta J = 16 on the 3 x 3 torus)."""

EXPECT = {
    "exercise": "week05_diffprog.ising2d_lnZ_enumerate",
    "check": "strong coupling beta J = 16, float32",
    "message": r"inf.*hint: exp\(-beta E\) overflows at strong coupling",
    "replace": {
        "    return torch.logsumexp(beta * (J * bonds + h * magnetization), dim=0)\n": (
            "    return torch.exp(beta * (J * bonds + h * magnetization)).sum().log()\n"
        )
    },
}
