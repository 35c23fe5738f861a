"""Takes the first derivative without create_graph: autograd cannot differentiate it again."""

EXPECT = {
    "exercise": "week05_diffprog.thermodynamics",
    "check": "1-D Ising chain, float64",
    "message": r"hint: c is the derivative of the first derivative.*create_graph=True",
    "lesson": True,
    "replace": {
        "(first,) = torch.autograd.grad(ln_z, beta, create_graph=True)": (
            "(first,) = torch.autograd.grad(ln_z, beta)"
        )
    },
}
