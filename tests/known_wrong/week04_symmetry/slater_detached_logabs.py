"""Detaches logabs: right values, but no gradient reaches x or the orbitals' parameters."""

EXPECT = {
    "exercise": "week04_symmetry.slater_logdet",
    "check": "5 particles in 2-D, float64, gradients",
    "message": r"gradient w\.r\.t\. (x|orbital_fn\.\w+): your output is not connected",
    "replace": {"    return sign, logabs\n": "    return sign, logabs.detach()\n"},
}
