"""Reshapes perm from (d, n) to (n, d) instead of transposing it: the strata of the axes get mixed
up, and an axis may hold two points in one stratum and none in another."""

EXPECT = {
    "exercise": "week08_pinn.latin_hypercube",
    "check": "unit cube, n=12, d=3, float64",
    "message": r"hint: perm has shape \(d, n\).*never perm\.reshape",
    "lesson": True,
    "replace": {"strata = perm.T.to(u.dtype)": "strata = perm.reshape(n, d).to(u.dtype)"},
}
