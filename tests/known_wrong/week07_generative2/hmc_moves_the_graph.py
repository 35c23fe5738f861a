"""Marks the positions as requiring grad and integrates those: q_new comes back attached to an
autograd graph that a sampling loop would keep growing."""

EXPECT = {
    "exercise": "week07_generative2.hmc_step",
    "check": "anharmonic V, (B, n) = (8, 3), n_leap = 5, float64",
    "message": r"q_new\.requires_grad: .*hint: return q_new without autograd graph",
    "replace": {
        "    q_start, p_start = q.detach(), p0.detach()\n": (
            "    q_start, p_start = q.detach().requires_grad_(True), p0.detach()\n"
        )
    },
}
