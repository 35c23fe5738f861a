"""Uses u_fn's (N, 1) output as it is: u * u_x broadcasts (N, 1) against (N,) into (N, N)."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,1) output, float64",
    "message": r"output: expected shape \[24\], got \[24, 24\].*hint: u_fn returned shape \(N, 1\)",
    "replace": {"    u = u_fn(points).reshape(points.shape[0])\n": "    u = u_fn(points)\n"},
}
