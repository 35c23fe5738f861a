"""Writes the residual as dT/dt - k (T - T_env): the law of a cup that heats up away from the room."""

EXPECT = {
    "exercise": "week08_pinn.cooling_residual",
    "check": "exact: T_env + (T0 - T_env) exp(-k t), float64, exact solution, normalized residual",
    "message": r"points have \|r\| / \(\|dT/dt\| \+ k \|T - T_env\|\) above 1e-12",
    "replace": {
        "dT_dt[:, 0] + k * (temperature - T_env)": "dT_dt[:, 0] - k * (temperature - T_env)"
    },
}
