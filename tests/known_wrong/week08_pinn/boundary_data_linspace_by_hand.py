"""Writes the initial points as -1 + 2 i / (n_bd - 1): for a single point that is 0 / 0."""

EXPECT = {
    "exercise": "week08_pinn.burgers_boundary_data",
    "check": "n_bd = 1, float64",
    "message": r"nan",
    "replace": {
        "torch.linspace(-1.0, 1.0, n_bd, dtype=dtype, device=device)": (
            "-1 + 2 * torch.arange(n_bd, dtype=dtype, device=device) / (n_bd - 1)"
        ),
    },
}
