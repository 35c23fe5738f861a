"""The power rule without lowering the exponent: ``d x**p = p x**p dx``."""

EXPECT = {
    "exercise": "week05_diffprog.Dual",
    "check": "(x0 ** 3.0), float64",
    "message": r"tangent: .*differ",
    "replace": {
        "        derivative = power * self.value ** (power - 1)\n": (
            "        derivative = power * self.value**power\n"
        )
    },
}
