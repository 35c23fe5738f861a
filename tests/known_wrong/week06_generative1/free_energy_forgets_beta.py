"""Leaves beta out: ln q + E, the free energy at beta = 1 only."""

EXPECT = {
    "exercise": "week06_generative1.variational_free_energy",
    "check": "mismatched Gaussian q, beta = 2, float64, F = (-ln Z + KL) / beta within 5 standard "
    "errors",
    "message": r"F = \(-ln Z \+ KL\(q \|\| p\)\) / beta = .* standard errors away",
    "replace": {"    per_sample = log_q / beta + energy\n": "    per_sample = log_q + energy\n"},
}
