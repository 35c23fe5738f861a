"""Kicks by a full dt before and after the drift."""

EXPECT = {
    "exercise": "week07_generative2.leapfrog_step",
    "check": "harmonic oscillator, w = 1.3, dt = 0.1, float32, one-step matrix",
    "message": r"for V = w\^2 q\^2/2 one step must be the matrix",
    "replace": {
        "    p_half = p - 0.5 * dt * grad_V(q)\n": "    p_half = p - dt * grad_V(q)\n",
        "    p_new = p_half - 0.5 * dt * grad_V(q_new)\n": "    p_new = p_half - dt * grad_V(q_new)\n",
    },
}
