"""Calls the residual without passing nu on: the default viscosity is used whatever the caller asks."""

EXPECT = {
    "exercise": "week08_pinn.pinn_loss",
    "check": "tanh MLP, (N,) output, nu=0.05, w_b=1.5, float64",
    "message": r"hint: pass nu on to the residual",
    "replace": {"burgers_residual(u_fn, xt_f, nu=nu)": "burgers_residual(u_fn, xt_f)"},
}
