"""Turns the field into a Python float: ln Z is no longer differentiable in h, and the
magnetization dlnZ/dh cannot be taken."""

EXPECT = {
    "exercise": "week05_diffprog.ising1d_lnZ",
    "check": "coupling and field as tensors, N = 7, float64, gradients",
    "message": r"gradient w.r.t. h.*hint: ln Z must be differentiable",
    "replace": {"    field = beta * h\n": "    field = beta * float(h)\n"},
}
