"""Subtracts the energy, as if ln q and -beta E were on the same side."""

EXPECT = {
    "exercise": "week06_generative1.variational_free_energy",
    "check": "exact sampler of the Gaussian target, beta = 1, float64, F_mean = -ln pi",
    "message": r"with the exact sampler every f_i is -ln Z = -ln pi = -1.144729886",
    "replace": {
        "    per_sample = log_q / beta + energy\n": "    per_sample = log_q / beta - energy\n"
    },
}
