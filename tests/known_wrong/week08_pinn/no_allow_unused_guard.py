"""Differentiates without a guard: for u = 2x + 1 the derivative u_x = 2 has no graph, and
torch.autograd.grad raises instead of returning u_xx = 0."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "u = 2x + 1 gives 2(2x + 1), float64",
    "message": r"raised RuntimeError: element 0 of tensors does not require grad.*hint: u or u_x "
    r"need not depend on xt",
    "replace": {
        "        if not f.requires_grad:\n            return torch.zeros_like(points)\n": "",
        "create_graph=True, allow_unused=True)\n        return torch.zeros_like(points) if grad is "
        "None else grad\n": "create_graph=True)\n        return grad\n",
    },
}
