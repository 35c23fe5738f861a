"""Forgets the environment: dT/dt + k T, a cup that cools towards zero degrees."""

EXPECT = {
    "exercise": "week08_pinn.cooling_residual",
    "check": "tanh MLP, (N,) output, float64",
    "message": r"hint: the temperature relaxes towards T_env",
    "replace": {"dT_dt[:, 0] + k * (temperature - T_env)": "dT_dt[:, 0] + k * temperature"},
}
