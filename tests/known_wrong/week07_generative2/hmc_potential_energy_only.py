"""Leaves the kinetic energy out of the Metropolis test: accepts on the change of V alone, as in a
random-walk Metropolis step, so the momenta no longer balance the moves."""

EXPECT = {
    "exercise": "week07_generative2.hmc_step",
    "check": "anharmonic V, (B, n) = (8, 3), n_leap = 5, float64",
    "message": r"accepted: .*hint: the Metropolis test is on the change of the total energy",
    "lesson": True,
    "replace": {
        "        return energy_fn(x) + 0.5 * p.square().sum(dim=-1)\n": (
            "        return energy_fn(x)\n"
        )
    },
}
