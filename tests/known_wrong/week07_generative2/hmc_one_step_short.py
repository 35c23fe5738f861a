"""Integrates n_leap - 1 leapfrog steps (an off-by-one in the loop)."""

EXPECT = {
    "exercise": "week07_generative2.hmc_step",
    "check": "log_u = -inf accepts every proposal, float64, n_leap leapfrog steps",
    "message": r"end of n_leap = 4 leapfrog steps.*hint: take exactly n_leap leapfrog steps",
    "replace": {"    for _ in range(n_leap):\n": "    for _ in range(n_leap - 1):\n"},
}
