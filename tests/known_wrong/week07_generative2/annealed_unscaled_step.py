"""Takes the same step size eps0 at every noise level instead of eps0 sigma_i^2 / sigma_L^2."""

EXPECT = {
    "exercise": "week07_generative2.annealed_langevin",
    "check": "vector x, three levels, two steps each, float64",
    "message": r"output: .*hint: scale the step size with the noise level",
    "lesson": True,
    "replace": {
        "        alpha = eps0 * sigma**2 / smallest**2\n": "        alpha = sigma.new_tensor(eps0)\n"
    },
}
