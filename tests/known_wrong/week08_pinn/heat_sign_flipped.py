"""Writes the residual as u_t + kappa u_xx: the backward heat equation."""

EXPECT = {
    "exercise": "week08_pinn.heat_residual",
    "check": "exact: exp(-kappa pi^2 t) sin(pi x), kappa=0.3, float64, exact solution, "
    "normalized residual",
    "message": r"points have \|r\| / \(\|u_t\| \+ kappa \|u_xx\|\) above 1e-12",
    "replace": {"return u_t - kappa * u_xx": "return u_t + kappa * u_xx"},
}
