"""Takes the second half kick with the force at the old position q: neither reversible nor
symplectic."""

EXPECT = {
    "exercise": "week07_generative2.leapfrog_step",
    "check": "symplecticity, V = q^4/4 - cos q, float64, M^T J M = J",
    "message": r"leapfrog is symplectic for any V: its Jacobian",
    "lesson": True,
    "replace": {
        "    p_new = p_half - 0.5 * dt * grad_V(q_new)\n": (
            "    p_new = p_half - 0.5 * dt * grad_V(q)\n"
        )
    },
}
