"""Switches on requires_grad in the caller's t instead of a detached clone."""

EXPECT = {
    "exercise": "week08_pinn.cooling_residual",
    "check": "single time (N=1), float64, requires_grad of the points left unchanged",
    "message": r"requires_grad was switched on in the caller's tensor",
    "replace": {
        "times = t.detach().clone().reshape(-1, 1).requires_grad_(True)": (
            "times = t.requires_grad_(True).reshape(-1, 1)"
        )
    },
}
