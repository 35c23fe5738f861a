"""Takes u_x with retain_graph=True but without create_graph: u_x has no graph, so the guard fills
u_xx with zeros and the viscous term disappears."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,1) output, float32",
    "message": r"output: \d+/\d+ entries differ.*hint: u_xx came out zero",
    "replace": {
        "    def grad_wrt_points(f: torch.Tensor) -> torch.Tensor:\n": (
            "    def grad_wrt_points(f: torch.Tensor, keep_graph: bool = True) -> torch.Tensor:\n"
        ),
        "create_graph=True, allow_unused=True": (
            "create_graph=keep_graph, retain_graph=True, allow_unused=True"
        ),
        "    grad_u = grad_wrt_points(u)\n": "    grad_u = grad_wrt_points(u, keep_graph=False)\n",
    },
}
