"""Adds the offset u after dividing by n: points leave their strata (and the box)."""

EXPECT = {
    "exercise": "week08_pinn.latin_hypercube",
    "check": "box [-2,3]^4 as floats, n=10, float64, exactly one point per stratum on every axis",
    "message": r"do not hold one point each",
    "replace": {"unit = (strata + u) / n": "unit = strata / n + u"},
}
