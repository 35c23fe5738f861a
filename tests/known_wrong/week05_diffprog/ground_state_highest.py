"""Takes the last eigenpair of eigh (the highest state) for the ground state."""

EXPECT = {
    "exercise": "week05_diffprog.GroundState",
    "check": "random symmetric 3x3, float32",
    "message": r"lambda0: .*hint: torch\.linalg\.eigh sorts the eigenvalues in ascending order",
    "replace": {
        "return eigenvalues[0], eigenvectors[:, 0]": "return eigenvalues[-1], eigenvectors[:, -1]",
    },
}
