"""Takes the biased standard deviation (divided by B, not B - 1) for the standard error."""

EXPECT = {
    "exercise": "week06_generative1.variational_free_energy",
    "check": "two samples, float64",
    "message": r"F_stderr: .*hint: use the unbiased standard deviation",
    "replace": {
        "per_sample.std() / per_sample.shape": "per_sample.std(correction=0) / per_sample.shape"
    },
}
