"""Adds the viscous term instead of subtracting it (moves (nu/pi) u_xx to the wrong side)."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,) output, nu=0.05, float64",
    "message": r"output: \d+/\d+ entries differ.*hint: the viscosity term enters with a minus sign",
    "replace": {
        "    return u_t + u * u_x - (nu / torch.pi) * u_xx\n": (
            "    return u_t + u * u_x + (nu / torch.pi) * u_xx\n"
        )
    },
}
