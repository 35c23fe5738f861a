"""Reports the standard error of the energy alone, not of f = ln q / beta + E."""

EXPECT = {
    "exercise": "week06_generative1.variational_free_energy",
    "check": "exact sampler of the Gaussian target, beta = 1, float32, F_stderr = 0",
    "message": r"with the exact sampler every f_i is the same number, so F_stderr must be 0",
    "replace": {"per_sample.std() / per_sample.shape": "energy.std() / per_sample.shape"},
}
