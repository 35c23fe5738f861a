"""Forgets create_graph=True: the estimate is a constant to autograd."""

EXPECT = {
    "exercise": "week07_generative2.hutchinson_divergence",
    "message": r"gradient w\.r\.t\. x: your output is not connected to the autograd graph",
    "replace": {
        "    (noise_jacobian,) = torch.autograd.grad((v * noise).sum(), point, create_graph=True)\n": (
            "    (noise_jacobian,) = torch.autograd.grad((v * noise).sum(), point)\n"
        ),
    },
}
