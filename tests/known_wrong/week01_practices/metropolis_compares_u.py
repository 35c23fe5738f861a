"""Treats log_u as u: compares exp(log_u) with the log of the ratio."""

EXPECT = {
    "exercise": "week01_practices.metropolis_step",
    "check": "vector states (B, d), Gaussian, float64",
    "message": r"accepted: \d+/\d+ entries differ from the reference.*hint: log_u is already the "
    r"logarithm",
    "replace": {
        "    accepted = log_u < logp_fn(proposal)": "    accepted = log_u.exp() < logp_fn(proposal)"
    },
}
