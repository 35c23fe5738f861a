"""Takes column 1 of the gradient of u_x: the mixed derivative u_xt instead of u_xx."""

EXPECT = {
    "exercise": "week08_pinn.heat_residual",
    "check": "tanh MLP, (N,) output, kappa=0.05, float64",
    "message": r"hint: u_xx is column 0 of the gradient of u_x",
    "replace": {"u_xx = derivative(grad_u[:, 0])[:, 0]": "u_xx = derivative(grad_u[:, 0])[:, 1]"},
}
