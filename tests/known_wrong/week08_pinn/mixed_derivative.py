"""Takes the wrong column of the gradient of u_x: the mixed derivative u_xt instead of u_xx."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,1) output, float64",
    "message": r"output: \d+/\d+ entries differ.*hint: u_xx is column 0 of the gradient of u_x; "
    r"column 1 is the mixed derivative",
    "replace": {
        "    u_xx = grad_wrt_points(u_x)[:, 0]\n": "    u_xx = grad_wrt_points(u_x)[:, 1]\n"
    },
}
