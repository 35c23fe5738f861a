"""Makes the viscosity nu/pi a float32 tensor: float64 residuals keep only float32's digits of it."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "message": r"torch\.tensor at line \d+ makes float32 values that float64 cannot get back; "
    r"make it in the input's dtype: dtype=x\.dtype",
    "replace": {
        "    return u_t + u * u_x - (nu / torch.pi) * u_xx\n": (
            "    return u_t + u * u_x - torch.tensor(nu / torch.pi, device=xt.device) * u_xx\n"
        )
    },
}
