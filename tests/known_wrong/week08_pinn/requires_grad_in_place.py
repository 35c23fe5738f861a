"""Switches requires_grad on in the caller's xt instead of on a detached copy: the values of xt are
unchanged, its requires_grad flag is not."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "exact: u = x/(t+1), float64, xt.requires_grad left unchanged",
    "message": r"xt\.requires_grad was switched on in the caller's tensor.*hint: differentiate with "
    r"respect to xt\.detach\(\)\.clone\(\)\.requires_grad_\(\)",
    "replace": {
        "    points = xt.detach().clone().requires_grad_(True)\n": (
            "    points = xt.requires_grad_(True)\n"
        )
    },
}
