"""Uses its own GroundState, whose backward has the energy denominator lambda_i - lambda0 instead
of lambda0 - lambda_i: the loss is right, its gradient points the wrong way."""

EXPECT = {
    "exercise": "week05_diffprog.inverse_schrodinger_loss",
    "check": "central differences, random symmetric 6x6, float64, dL/dV = central differences",
    "message": r"your dL/dV does not match the central differences",
    "replace": {
        "/ (eigenvalues[0] - eigenvalues[1:])": "/ (eigenvalues[1:] - eigenvalues[0])",
        "    _, eigenvectors = torch.linalg.eigh(hamiltonian)\n    density = eigenvectors[:, 0] ** 2": (
            "    _, psi0 = GroundState.apply(hamiltonian)\n    density = psi0**2"
        ),
    },
}
