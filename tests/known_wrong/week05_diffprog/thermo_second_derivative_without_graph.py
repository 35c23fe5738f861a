"""create_graph on the first derivative only: the second frees the graph, and c is no longer
differentiable in J."""

EXPECT = {
    "exercise": "week05_diffprog.thermodynamics",
    "check": "1-D Ising chain, float64, gradients",
    "message": r"backward through the graph a second time.*hint: the outputs must stay "
    r"differentiable in lnZ_fn's parameters: the second torch.autograd.grad needs create_graph",
    "replace": {
        "(second,) = torch.autograd.grad(first, beta, create_graph=True)": (
            "(second,) = torch.autograd.grad(first, beta)"
        )
    },
}
