"""Takes u(x, 0) = sin(pi x) instead of -sin(pi x): the initial profile is upside down."""

EXPECT = {
    "exercise": "week08_pinn.burgers_boundary_data",
    "check": "n_bd = 6, float64, layout: initial line, then x = -1, then x = +1",
    "message": r"the initial data must be u = -sin\(pi x\)",
    "replace": {"-torch.sin(torch.pi * x_initial)": "torch.sin(torch.pi * x_initial)"},
}
