"""Keeps the graph of u_x but not of u_xx (retain_graph=True only, to silence "backward through the
graph a second time"): the values are right, the parameter gradient misses the viscous term."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,1) output, float64, gradients",
    "message": r"gradient w\.r\.t\. u_fn\.\w+: \d+/\d+ entries differ.*hint: the residual is right "
    r"but its gradient w\.r\.t\. the parameters",
    "lesson": True,
    "replace": {
        "    def grad_wrt_points(f: torch.Tensor) -> torch.Tensor:\n": (
            "    def grad_wrt_points(f: torch.Tensor, keep_graph: bool = True) -> torch.Tensor:\n"
        ),
        "create_graph=True, allow_unused=True": (
            "create_graph=keep_graph, retain_graph=True, allow_unused=True"
        ),
        "    u_xx = grad_wrt_points(u_x)[:, 0]\n": (
            "    u_xx = grad_wrt_points(u_x, keep_graph=False)[:, 0]\n"
        ),
    },
}
