"""Forgets create_graph=True: the divergence is a constant to autograd."""

EXPECT = {
    "exercise": "week07_generative2.exact_divergence",
    "message": r"gradient w\.r\.t\. x: your output is not connected to the autograd graph",
    "replace": {
        "        (grad_i,) = torch.autograd.grad(v[:, i].sum(), point, create_graph=True)\n": (
            "        (grad_i,) = torch.autograd.grad(v[:, i].sum(), point, retain_graph=True)\n"
        ),
    },
}
