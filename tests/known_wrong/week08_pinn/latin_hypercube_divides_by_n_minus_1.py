"""Divides by n - 1 as if the points were grid nodes: the points spill out of the box, and a single
point is divided by zero."""

EXPECT = {
    "exercise": "week08_pinn.latin_hypercube",
    "check": "n = 1, d = 3, float64",
    "message": r"inf|nan",
    "replace": {"unit = (strata + u) / n": "unit = (strata + u) / (n - 1)"},
}
