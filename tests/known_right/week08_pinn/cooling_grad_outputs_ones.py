"""Differentiates the (N,) temperatures with grad_outputs=ones instead of their sum."""

EXPECT = {
    "exercise": "week08_pinn.cooling_residual",
    "replace": {
        "temperature.sum(), times, allow_unused=True, create_graph=True": (
            "temperature, times, grad_outputs=torch.ones_like(temperature), allow_unused=True, "
            "create_graph=True"
        )
    },
}
