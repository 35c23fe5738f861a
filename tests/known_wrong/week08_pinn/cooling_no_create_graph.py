"""Takes dT/dt without create_graph: the call frees the graph of T, and the residual can no longer
be differentiated w.r.t. the network's parameters (a PINN loss cannot train)."""

EXPECT = {
    "exercise": "week08_pinn.cooling_residual",
    "check": "tanh MLP, (N,1) output, float64, gradients",
    "message": r"Trying to backward through the graph a second time.*hint: the first "
    r"torch\.autograd\.grad call freed the graph: pass create_graph=True",
    "lesson": True,
    "replace": {
        "temperature.sum(), times, allow_unused=True, create_graph=True": (
            "temperature.sum(), times, allow_unused=True"
        )
    },
}
