"""Subtracts u_b from the network's (N_b, 1) output as it is: the difference broadcasts to
(N_b, N_b) and the boundary term averages every pair of points."""

EXPECT = {
    "exercise": "week08_pinn.pinn_loss",
    "check": "tanh MLP, (N,1) output, defaults, float32",
    "message": r"hint: u_fn returned shape \(N_b, 1\): flatten it",
    "replace": {"u_fn(xt_b).reshape(xt_b.shape[0])": "u_fn(xt_b)"},
}
