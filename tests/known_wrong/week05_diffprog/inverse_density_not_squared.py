"""Compares the amplitude psi0 itself with the target density: psi0 is not psi0^2, so even the
exact target leaves a loss (and it depends on the arbitrary sign of psi0)."""

EXPECT = {
    "exercise": "week05_diffprog.inverse_schrodinger_loss",
    "check": "exact target, random symmetric 5x5, float64, L = 0 and dL/dV = 0 at an exact target",
    "message": r"target = psi0\(V\)\^2 exactly, so L must be 0",
    "replace": {
        "density = eigenvectors[:, 0] ** 2": "density = eigenvectors[:, 0]",
    },
}
