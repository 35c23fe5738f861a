"""Returns torch.zeros(n) for a field without a graph: float32 on the CPU whatever xt is."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "constant u, (N,1), no graph, float64",
    "message": r"output: expected dtype float64 \(the input's\), got float32",
    "replace": {
        "    u = u_fn(points).reshape(points.shape[0])\n": (
            "    u = u_fn(points).reshape(points.shape[0])\n"
            "    if not u.requires_grad:  # constant field: every derivative vanishes\n"
            "        return torch.zeros(xt.shape[0])\n"
        )
    },
}
