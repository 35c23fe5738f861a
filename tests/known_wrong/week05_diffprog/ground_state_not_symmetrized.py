"""Returns the perturbation-theory gradient without symmetrizing it."""

EXPECT = {
    "exercise": "week05_diffprog.GroundState",
    "check": "random symmetric 6x6, float64, symmetric gradient",
    "message": r"dL/dA must be symmetric, \(M \+ M\^T\) / 2; yours has an antisymmetric part",
    "replace": {"return (grad_A + grad_A.T) / 2": "return grad_A"},
}
