"""Takes the gain the wrong way round, logp(x) - logp(x')."""

EXPECT = {
    "exercise": "week01_practices.metropolis_step",
    "check": "particles (B, n, dim), double well, float64",
    "message": r"accepted: \d+/\d+ entries differ from the reference.*hint: the gain is logp\(x'\) "
    r"- logp\(x\)",
    "replace": {
        "    accepted = log_u < logp_fn(proposal) - logp_fn(x)": (
            "    accepted = log_u < logp_fn(x) - logp_fn(proposal)"
        )
    },
}
