"""Compares the pivots with 0, 1, ..., n - 1: they are 1-based, so the parity is wrong."""

EXPECT = {
    "exercise": "week04_symmetry.slater_logdet",
    "check": "5 particles in 2-D, float64",
    "message": r"sign: .*entries differ from the reference.*hint: the pivots of "
    r"torch\.linalg\.lu_factor are 1-based",
    "replace": {
        "torch.arange(1, matrices.shape[-1] + 1,": "torch.arange(0, matrices.shape[-1],",
    },
}
