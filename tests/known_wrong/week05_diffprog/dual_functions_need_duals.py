"""``sin`` that only knows dual numbers and variables: ``sin(0.7)`` on a plain number fails."""

EXPECT = {
    "exercise": "week05_diffprog.Dual",
    "check": "(sin(0.7) * x0), float64",
    "message": r"AttributeError",
    "replace": {
        "    return math.sin(x)\n": "    return Dual(math.sin(x.value), math.cos(x.value) * x.tangent)\n"
    },
}
