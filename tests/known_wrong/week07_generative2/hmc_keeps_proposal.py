"""Returns the proposal for every sample, rejected ones included: the decision is computed but not
applied."""

EXPECT = {
    "exercise": "week07_generative2.hmc_step",
    "check": "log_u = +inf rejects every proposal, float64, q_new = q",
    "message": r"q_new must be q itself",
    "replace": {
        "    return torch.where(accepted[:, None], q_end, q_start), accepted\n": (
            "    return q_end, accepted\n"
        )
    },
}
