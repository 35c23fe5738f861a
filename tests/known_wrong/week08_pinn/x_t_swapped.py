"""Reads the columns the other way round: column 0 as t and column 1 as x."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,1) output, float64",
    "message": r"output: \d+/\d+ entries differ.*hint: x and t are swapped",
    "replace": {
        "    u_x, u_t = grad_u[:, 0], grad_u[:, 1]\n    u_xx = grad_wrt_points(u_x)[:, 0]\n": (
            "    u_t, u_x = grad_u[:, 0], grad_u[:, 1]\n    u_xx = grad_wrt_points(u_x)[:, 1]\n"
        )
    },
}
