"""Samples the boundary times with linspace(0, 1, n_bd): t = 0 is counted on the boundaries as well
as on the initial line, and t = 1 is the only time both agree on."""

EXPECT = {
    "exercise": "week08_pinn.burgers_boundary_data",
    "check": "n_bd = 9, float64",
    "message": r"hint: the boundary times lie in \(0, 1\]",
    "replace": {
        "torch.arange(1, n_bd + 1, dtype=dtype, device=device) / n_bd": (
            "torch.linspace(0.0, 1.0, n_bd, dtype=dtype, device=device)"
        ),
    },
}
