"""Detaches the force: the gradients through the kicks are lost."""

EXPECT = {
    "exercise": "week07_generative2.leapfrog_step",
    "check": "anharmonic V, (B, n) = (6, 3), float64, gradients",
    "message": r"gradient w\.r\.t\. q through",
    "replace": {
        "    p_half = p - 0.5 * dt * grad_V(q)\n": "    p_half = p - 0.5 * dt * grad_V(q).detach()\n",
    },
}
