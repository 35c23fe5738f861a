"""Keeps the network's (N, 1) output as it is: dT/dt of shape (N,) plus k (T - T_env) of shape
(N, 1) broadcasts to an (N, N) residual."""

EXPECT = {
    "exercise": "week08_pinn.cooling_residual",
    "check": "tanh MLP, (N,1) output, float64",
    "message": r"hint: the field returned shape \(N, 1\): flatten it",
    "replace": {"T_fn(times).reshape(times.shape[0])": "T_fn(times)"},
}
