"""Multiplies ln q by beta instead of dividing: beta ln q + E is not the free energy."""

EXPECT = {
    "exercise": "week06_generative1.variational_free_energy",
    "check": "random samples, beta = 2, float64",
    "message": r"F_mean: .*differ.*hint: divide ln q by beta",
    "lesson": True,
    "replace": {
        "    per_sample = log_q / beta + energy\n": "    per_sample = beta * log_q + energy\n"
    },
}
