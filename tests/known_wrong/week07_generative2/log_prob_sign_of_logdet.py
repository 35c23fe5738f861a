"""Subtracts the inverse layers' log-dets (the forward sign used with the inverse's log-dets)."""

EXPECT = {
    "exercise": "week07_generative2.flow_log_prob",
    "check": "three couplings, float64",
    "message": r"output: 6/6 entries differ.*hint: ln p\(x\) = ln N\(z\) \+ sum of the inverse log-dets",
    "lesson": True,
    "replace": {"    return log_base + logdet_inv\n": "    return log_base - logdet_inv\n"},
}
