"""Accepts with u < p(x') / p(x): exp of log-densities of size 1e4 is 0 or inf, the ratio nan."""

EXPECT = {
    "exercise": "week01_practices.metropolis_step",
    "check": "log-densities near -1e4, float64",
    "message": r"accepted: \d+/\d+ entries differ from the reference.*hint: compare in the log "
    r"domain",
    "lesson": True,
    "replace": {
        "    accepted = log_u < logp_fn(proposal) - logp_fn(x)\n": (
            "    accepted = log_u.exp() < logp_fn(proposal).exp() / logp_fn(x).exp()\n"
        )
    },
}
