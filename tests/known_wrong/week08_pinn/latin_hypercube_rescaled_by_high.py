"""Rescales the unit cube as low + high * s: right for the unit box only."""

EXPECT = {
    "exercise": "week08_pinn.latin_hypercube",
    "check": "Burgers box [-1,1] x [0,1], n=16, float64",
    "message": r"hint: rescale the unit cube with low \+ \(high - low\) \* s",
    "replace": {"return low + (high - low) * unit": "return low + high * unit"},
}
