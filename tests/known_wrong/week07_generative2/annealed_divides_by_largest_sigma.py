"""Scales the step size by sigma_i^2 / sigma_1^2, the first (largest) sigma, instead of the last:
the steps are far too small at every level after the first."""

EXPECT = {
    "exercise": "week07_generative2.annealed_langevin",
    "check": "Gaussian data, 20000 chains through the schedule, float64, mean and variance recursion",
    "message": r"after the schedule the (mean|variance) must be .* standard errors away",
    "replace": {"    smallest = sigmas[-1]\n": "    smallest = sigmas[0]\n"},
}
