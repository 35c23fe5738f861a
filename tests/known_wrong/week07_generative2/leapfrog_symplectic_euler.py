"""Symplectic Euler: one full kick, then the drift. Symplectic, but not time reversible."""

EXPECT = {
    "exercise": "week07_generative2.leapfrog_step",
    "check": "reversibility, float64, step back from (q', -p')",
    "message": r"leapfrog is time reversible",
    "replace": {
        "    p_half = p - 0.5 * dt * grad_V(q)\n": "    p_half = p - dt * grad_V(q)\n",
        "    p_new = p_half - 0.5 * dt * grad_V(q_new)\n": "    p_new = p_half\n",
    },
}
