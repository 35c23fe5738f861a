"""K + V instead of K + diag(V): broadcasting adds V_j to every entry of column j, so a constant
shift of V changes the whole matrix, not only its eigenvalues."""

EXPECT = {
    "exercise": "week05_diffprog.inverse_schrodinger_loss",
    "check": "V -> V + c, particle in a box, N = 20, float64, L(V + c) = L(V)",
    "message": r"shifts every eigenvalue and leaves psi0 alone, so L must not change",
    "replace": {
        "hamiltonian = K + torch.diag(V)": "hamiltonian = K + V",
    },
}
