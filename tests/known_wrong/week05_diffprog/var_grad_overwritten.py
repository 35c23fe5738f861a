"""``backward()`` sets ``.grad`` instead of adding to it: a second call does not accumulate."""

EXPECT = {
    "exercise": "week05_diffprog.Var",
    "check": "backward called twice, float64, gradients",
    "message": r"gradient w.r.t. x.*hint: backward\(\) accumulates like torch",
    "replace": {"            node.grad += adjoint\n": "            node.grad = adjoint\n"},
}
