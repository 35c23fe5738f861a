"""Energy denominator lambda_i - lambda0 instead of lambda0 - lambda_i: the eigenvector moves the
wrong way."""

EXPECT = {
    "exercise": "week05_diffprog.GroundState",
    "check": "random symmetric 3x3, float64, gradients",
    "message": r"gradient w\.r\.t\. A via v0\^2: .*hint: the energy denominator is lambda0 - lambda_i",
    "lesson": True,
    "replace": {
        "/ (eigenvalues[0] - eigenvalues[1:])": "/ (eigenvalues[1:] - eigenvalues[0])",
    },
}
