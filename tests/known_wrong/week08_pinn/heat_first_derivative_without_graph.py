"""Takes the derivatives without create_graph: u_x has no graph, the guard for fields that do not
depend on the points fills in zeros, and u_xx silently comes out zero."""

EXPECT = {
    "exercise": "week08_pinn.heat_residual",
    "check": "tanh MLP, (N,1) output, float64",
    "message": r"hint: u_xx came out zero: take the first derivative with create_graph=True",
    "lesson": True,
    "replace": {
        "(df,) = torch.autograd.grad(f.sum(), points, allow_unused=True, create_graph=True)": (
            "(df,) = torch.autograd.grad(f.sum(), points, allow_unused=True)"
        )
    },
}
