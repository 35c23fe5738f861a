"""Boundary times as linspace(0, 1, n_bd + 1)[1:] instead of arange(1, n_bd + 1) / n_bd: the same
points up to rounding."""

EXPECT = {
    "exercise": "week08_pinn.burgers_boundary_data",
    "replace": {
        "torch.arange(1, n_bd + 1, dtype=dtype, device=device) / n_bd": (
            "torch.linspace(0.0, 1.0, n_bd + 1, dtype=dtype, device=device)[1:]"
        ),
    },
}
