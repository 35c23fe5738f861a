"""Casts the points to float32 (xt.float()): the residual is float32 for float64 inputs. A dtype
mistake, not finite differences (a report on real code)."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "u = 2x + 1 gives 2(2x + 1), float64",
    "message": r"^output: expected dtype float64 \(the input's\), got float32(?!.*not rows of xt)",
    "replace": {
        "    points = xt.detach().clone().requires_grad_(True)\n": (
            "    points = xt.float().detach().clone().requires_grad_(True)\n"
        )
    },
}
