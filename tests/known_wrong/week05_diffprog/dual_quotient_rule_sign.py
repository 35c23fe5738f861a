"""The quotient rule with a plus: ``(u'w + u w') / w**2``."""

EXPECT = {
    "exercise": "week05_diffprog.Dual",
    "check": "(x0 / x1), float64",
    "message": r"tangent: .*differ",
    "replace": {
        "        return Dual(value, (self.tangent - value * other.tangent) / other.value)\n": (
            "        return Dual(value, (self.tangent + value * other.tangent) / other.value)\n"
        )
    },
}
