"""f = -ln Z / N, without the 1/beta."""

EXPECT = {
    "exercise": "week05_diffprog.thermodynamics",
    "check": "2-D Ising (Onsager), low temperature, float32",
    "message": r"f: .*hint: f = -ln Z / \(beta N\): the factor 1/beta is missing",
    "replace": {'"f": -ln_z / (beta * n_sites)': '"f": -ln_z / n_sites'},
}
