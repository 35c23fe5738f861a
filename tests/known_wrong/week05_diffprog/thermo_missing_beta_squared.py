"""The specific heat without its factor beta^2: the 1-D chain's c = K^2 sech^2 K fails."""

EXPECT = {
    "exercise": "week05_diffprog.thermodynamics",
    "check": "long 1-D chain, K = 0.8, float64, e = -J tanh K, c = K^2 sech^2 K",
    "message": r"1-D chain: c = 0\.3577953\d* exactly; yours 0\.55905",
    "replace": {"beta**2 * second / n_sites": "second / n_sites"},
}
