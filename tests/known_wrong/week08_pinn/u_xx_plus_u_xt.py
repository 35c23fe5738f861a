"""Sums the columns of the gradient of u_x: the viscous term becomes (nu/pi)(u_xx + u_xt). Its
residual is wrong, so the hint must not say "the residual is right" (a report on real code)."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,1) output, float64, gradients",
    "message": r"^(?!.*the residual is right)gradient w\.r\.t\. u_fn\.\w+: \d+/\d+ entries differ"
    r".*hint: u_xx is column 0 of the gradient of u_x alone",
    "replace": {
        "    u_xx = grad_wrt_points(u_x)[:, 0]\n": "    u_xx = grad_wrt_points(u_x).sum(dim=1)\n"
    },
}
