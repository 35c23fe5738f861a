"""Reads log_target_unnorm as the energy E and adds it: mean(ln q + ln pi~)."""

EXPECT = {
    "exercise": "week07_generative2.reverse_kl_loss",
    "message": r"hint: log_target_unnorm returns ln pi~ = -E",
    "replace": {
        "    return (log_q - log_target_unnorm(x)).mean()\n": "    return (log_q + log_target_unnorm(x)).mean()\n"
    },
}
