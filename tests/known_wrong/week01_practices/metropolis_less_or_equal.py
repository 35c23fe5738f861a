"""Accepts when log_u <= gain: with log_u = -inf a proposal of density 0 is accepted."""

EXPECT = {
    "exercise": "week01_practices.metropolis_step",
    "check": "logp(x') = -inf is rejected, float64",
    "message": r"accepted: \d+/\d+ entries differ from the reference.*hint: accept only when log_u "
    r"< logp\(x'\) - logp\(x\), strictly",
    "replace": {
        "    accepted = log_u < logp_fn(proposal)": "    accepted = log_u <= logp_fn(proposal)"
    },
}
