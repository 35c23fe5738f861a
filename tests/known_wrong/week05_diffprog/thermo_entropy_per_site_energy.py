"""s = (ln Z + beta e) / N: mixes the energy per site with the total ln Z."""

EXPECT = {
    "exercise": "week05_diffprog.thermodynamics",
    "check": "energy levels, float64",
    "message": r"s: .*hint: s = \(ln Z \+ beta E\) / N with the total energy E = N e",
    "replace": {'"s": ln_z / n_sites + beta * energy': '"s": (ln_z + beta * energy) / n_sites'},
}
