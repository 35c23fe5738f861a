"""Builds the points with the default dtype (float32) and casts them to the requested dtype at the
end: a float64 caller gets points that are only float32-accurate."""

EXPECT = {
    "exercise": "week08_pinn.burgers_boundary_data",
    "check": "n_bd = 6, float64",
    "message": r"hint: build the points in the requested dtype",
    "lesson": True,
    "replace": {
        "torch.linspace(-1.0, 1.0, n_bd, dtype=dtype, device=device)": (
            "torch.linspace(-1.0, 1.0, n_bd).to(dtype=dtype, device=device)"
        ),
        "torch.arange(1, n_bd + 1, dtype=dtype, device=device) / n_bd": (
            "(torch.arange(1, n_bd + 1) / n_bd).to(dtype=dtype, device=device)"
        ),
    },
}
