"""Uses nu itself as the viscosity instead of nu / pi."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,1) output, float32",
    "message": r"output: \d+/\d+ entries differ.*hint: the viscosity is nu/pi",
    "replace": {
        "    return u_t + u * u_x - (nu / torch.pi) * u_xx\n": (
            "    return u_t + u * u_x - nu * u_xx\n"
        )
    },
}
