"""Accepts when log_u < H_new - H_old: the sign of the energy change flipped, so moves that raise
the energy are favoured and the chains drift away from the target."""

EXPECT = {
    "exercise": "week07_generative2.hmc_step",
    "check": "Gaussian target, 10000 chains, 3 transitions, float64, target kept",
    "message": r"must stay distributed as the target .* standard errors away",
    "replace": {
        "    accepted = log_u < -energy_change\n": "    accepted = log_u < energy_change\n"
    },
}
