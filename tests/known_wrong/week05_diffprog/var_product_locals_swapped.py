"""The local derivatives of a product swapped: ``d(u v)/du`` taken as ``u``."""

EXPECT = {
    "exercise": "week05_diffprog.Var",
    "check": "(x0 * x1), float64, gradients",
    "message": r"gradient w.r.t. x: .*differ",
    "replace": {
        "((self, other.value), (other, self.value))": "((self, self.value), (other, other.value))"
    },
}
