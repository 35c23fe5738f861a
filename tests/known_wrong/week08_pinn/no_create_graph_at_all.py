"""Calls torch.autograd.grad without create_graph: the first call frees the graph of u, so the
residual cannot be differentiated w.r.t. the network's parameters (a PINN loss cannot train)."""

EXPECT = {
    "exercise": "week08_pinn.burgers_residual",
    "check": "tanh MLP, (N,) output, nu=0.05, float64",
    "message": r"raised RuntimeError: differentiating your residual w\.r\.t\. the parameters of "
    r"u_fn failed: Trying to backward through the graph a second time.*hint: the first "
    r"torch\.autograd\.grad call freed the graph of u: pass create_graph=True",
    "lesson": True,
    "replace": {"create_graph=True, allow_unused=True": "allow_unused=True"},
}
