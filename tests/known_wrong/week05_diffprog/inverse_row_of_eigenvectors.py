"""Takes the row vecs[0] of eigh's eigenvector matrix for psi0: a unit vector (the first component
of every eigenvector), but no eigenvector; eigh returns the eigenvectors as columns."""

EXPECT = {
    "exercise": "week05_diffprog.inverse_schrodinger_loss",
    "check": "random symmetric 4x4, float32",
    "message": r"output: .*hint: torch\.linalg\.eigh returns the eigenvectors as the COLUMNS",
    "lesson": True,
    "replace": {
        "density = eigenvectors[:, 0] ** 2": "density = eigenvectors[0] ** 2",
    },
}
