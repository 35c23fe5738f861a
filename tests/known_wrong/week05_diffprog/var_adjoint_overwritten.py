"""The adjoint of an input is overwritten by each node that uses it instead of summed."""

EXPECT = {
    "exercise": "week05_diffprog.Var",
    "check": "(x0 + x0), float64, gradients",
    "message": r"gradient w.r.t. x.*hint: a variable used twice must receive the sum",
    "replace": {
        "                adjoints[id(parent)] = adjoints.get(id(parent), 0.0) + adjoint * local\n": (
            "                adjoints[id(parent)] = adjoint * local\n"
        )
    },
}
