"""Puts the weight w_b on the residual term instead of the boundary misfit."""

EXPECT = {
    "exercise": "week08_pinn.pinn_loss",
    "check": "tanh MLP, (N,) output, nu=0.05, w_b=1.5, float64",
    "message": r"hint: w_b weighs the boundary term",
    "replace": {
        "w_b * boundary_misfit + torch.mean(residual**2)": (
            "boundary_misfit + w_b * torch.mean(residual**2)"
        )
    },
}
