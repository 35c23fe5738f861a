"""Ignores grad_v0: the gradient of lambda0 alone, as if v0 did not depend on A."""

EXPECT = {
    "exercise": "week05_diffprog.GroundState",
    "check": "2x2 matrix, float32, gradients",
    "message": r"gradient w\.r\.t\. A via v0\^2: .*hint: dL/dv0 \(the second argument of backward\)",
    "replace": {
        "grad_A = grad_lambda0 * torch.outer(v0, v0) + torch.outer(excited @ coefficients, v0)": (
            "grad_A = grad_lambda0 * torch.outer(v0, v0)"
        ),
    },
}
