"""Always normalizes along the last axis, whatever dim says."""

EXPECT = {
    "exercise": "week01_practices.log_softmax",
    "check": "dim=0, float64",
    "message": r"entries differ from the reference.*hint: normalize along dim, not along the last",
    "replace": {
        "    return z - logsumexp(z, dim=dim, keepdim=True)\n": "    return z - logsumexp(z, dim=-1, keepdim=True)\n"
    },
}
