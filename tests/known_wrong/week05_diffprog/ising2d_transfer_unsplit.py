"""Puts a column's own energy V(c) on one side of T only: T is then not symmetric, and eigvalsh,
which reads only its lower triangle, returns the eigenvalues of another matrix."""

EXPECT = {
    "exercise": "week05_diffprog.ising2d_lnZ_transfer",
    "check": "3 x 3 torus, float64",
    "message": r"differ",
    "lesson": True,
    "replace": {
        "    exponent = own[:, None] / 2 + coupling * columns @ columns.T + own[None, :] / 2\n": (
            "    exponent = own[:, None] + coupling * columns @ columns.T\n"
        )
    },
}
