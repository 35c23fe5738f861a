"""ln q(x) = ln N(z) + logdet: the forward log-det with the sign of the inverse's."""

EXPECT = {
    "exercise": "week07_generative2.reverse_kl_loss",
    "check": "two couplings, quartic target, float64",
    "message": r"entries differ.*hint: ln q\(x\) = ln N\(z\) - ln\|det dx/dz\|: subtract the forward log-det",
    "lesson": True,
    "replace": {"    log_q = log_base - logdet\n": "    log_q = log_base + logdet\n"},
}
