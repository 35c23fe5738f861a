"""Guards only against outputs without a graph: u = c (a parameter) has a graph but does not depend
on xt, and torch.autograd.grad without allow_unused=True raises."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "constant u = parameter c, float64",
    "message": r"raised RuntimeError: .*appears to not have been used in the graph.*hint: u or u_x "
    r"need not depend on xt",
    "replace": {
        "create_graph=True, allow_unused=True)\n        return torch.zeros_like(points) if grad is "
        "None else grad\n": "create_graph=True)\n        return grad\n"
    },
}
