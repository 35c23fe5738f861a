"""e = +d ln Z / d beta / N: the sign of the energy is wrong (and s with it)."""

EXPECT = {
    "exercise": "week05_diffprog.thermodynamics",
    "check": "2-D Ising (Onsager), critical K_c, float64, Onsager's exact energy",
    "message": r"e = -1\.414213562 exactly; yours 1\.414213562",
    "replace": {"energy = -first / n_sites": "energy = first / n_sites"},
}
