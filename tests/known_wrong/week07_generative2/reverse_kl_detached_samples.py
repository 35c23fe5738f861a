"""Detaches the samples before the target: no reparametrisation gradient through ln pi~(x)."""

EXPECT = {
    "exercise": "week07_generative2.reverse_kl_loss",
    "message": r"gradient w\.r\.t\. z through out: 24/24 entries differ",
    "replace": {
        "    return (log_q - log_target_unnorm(x)).mean()\n": "    return (log_q - log_target_unnorm(x.detach())).mean()\n"
    },
}
