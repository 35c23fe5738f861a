"""Detaches the residual before returning it: the values are right, but a PINN loss built on it
cannot train the network."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,1) output, float64, gradients",
    "message": r"gradient w\.r\.t\. u_fn\.\w+: your output is not connected to the autograd graph"
    r"(?!.*hint)",
    "replace": {
        "    return u_t + u * u_x - (nu / torch.pi) * u_xx\n": (
            "    return (u_t + u * u_x - (nu / torch.pi) * u_xx).detach()\n"
        )
    },
}
