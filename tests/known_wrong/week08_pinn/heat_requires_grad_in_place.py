"""Differentiates with respect to the caller's xt, switching on its requires_grad flag."""

EXPECT = {
    "exercise": "week08_pinn.heat_residual",
    "check": "single point (N=1), float64, requires_grad of the points left unchanged",
    "message": r"requires_grad was switched on in the caller's tensor",
    "replace": {
        "points = xt.detach().clone()\n    points.requires_grad_(True)": (
            "points = xt\n    points.requires_grad_(True)"
        )
    },
}
