"""Takes the gradient without create_graph: right forces, cut off from the energy's parameters,
so a force-matching loss cannot train the energy."""

EXPECT = {
    "exercise": "week04_symmetry.forces",
    "check": "pair energy, 3-D, float64, gradients",
    "message": r"gradient w\.r\.t\. energy_fn\.\w+: your output is not connected to the autograd "
    r"graph.*hint: pass create_graph=True",
    "lesson": True,
    "replace": {"create_graph=True, allow_unused=True": "allow_unused=True"},
}
