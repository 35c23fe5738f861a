"""Returns the gradient itself: the forces point uphill."""

EXPECT = {
    "exercise": "week04_symmetry.forces",
    "check": "external potential, 2-D, float64",
    "message": r"entries differ from the reference.*hint: the force is minus the gradient",
    "replace": {"    return -gradient\n": "    return gradient\n"},
}
