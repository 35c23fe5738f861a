"""Puts the whole field h (s + s') into every bond of the transfer matrix instead of h (s + s')/2:
each spin feels the field twice, and the magnetization of the infinite chain comes out wrong."""

EXPECT = {
    "exercise": "week05_diffprog.ising1d_lnZ",
    "check": "ferromagnet in a field, N = 6, float64",
    "message": r"differ",
    "replace": {"    field = beta * h\n": "    field = 2 * beta * h\n"},
}
