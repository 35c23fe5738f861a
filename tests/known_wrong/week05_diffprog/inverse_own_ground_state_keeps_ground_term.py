"""Uses its own GroundState, whose backward sums over every eigenvector with the zero denominator
replaced by 1 but forgets to drop the i = 0 term: the gradient gains a part along V -> V + c."""

EXPECT = {
    "exercise": "week05_diffprog.inverse_schrodinger_loss",
    "check": "V -> V + c, particle in a box, N = 20, float64, sum_i dL/dV_i = 0",
    "message": r"L does not change under V -> V \+ c, so sum_i dL/dV_i must be 0",
    "replace": {
        "        v0, excited = eigenvectors[:, 0], eigenvectors[:, 1:]\n"
        "        coefficients = (excited.T @ grad_v0) / (eigenvalues[0] - eigenvalues[1:])": (
            "        v0, excited = eigenvectors[:, 0], eigenvectors\n"
            "        gaps = eigenvalues[0] - eigenvalues\n"
            "        gaps[0] = 1.0\n"
            "        coefficients = (excited.T @ grad_v0) / gaps"
        ),
        "    _, eigenvectors = torch.linalg.eigh(hamiltonian)\n    density = eigenvectors[:, 0] ** 2": (
            "    _, psi0 = GroundState.apply(hamiltonian)\n    density = psi0**2"
        ),
    },
}
