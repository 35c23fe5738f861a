"""Drift-kick-drift (position Verlet) instead of kick-drift-kick: a different modified energy."""

EXPECT = {
    "exercise": "week07_generative2.leapfrog_step",
    "check": "harmonic oscillator, 40 steps, float64, modified energy conserved",
    "message": r"leapfrog conserves p\^2/2 \+ w\^2 q\^2/2 \(1 - w\^2 dt\^2/4\) exactly",
    "replace": {
        "    p_half = p - 0.5 * dt * grad_V(q)\n"
        "    q_new = q + dt * inv_mass * p_half\n"
        "    p_new = p_half - 0.5 * dt * grad_V(q_new)\n": (
            "    q_half = q + 0.5 * dt * inv_mass * p\n"
            "    p_new = p - dt * grad_V(q_half)\n"
            "    q_new = q_half + 0.5 * dt * inv_mass * p_new\n"
        ),
    },
}
