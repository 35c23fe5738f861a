"""Returns the loss as a plain number wrapped in a fresh tensor: its value is right, but no
gradient reaches the parameters of the network, so it cannot train."""

EXPECT = {
    "exercise": "week08_pinn.pinn_loss",
    "check": "tanh MLP, (N,1) output, defaults, float64, gradients",
    "message": r"detached|not connected|graph",
    "replace": {
        "return w_b * boundary_misfit + torch.mean(residual**2)": (
            "return (w_b * boundary_misfit + torch.mean(residual**2)).detach()"
        )
    },
}
