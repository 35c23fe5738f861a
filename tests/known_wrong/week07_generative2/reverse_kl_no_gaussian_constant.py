"""Leaves out -(D/2) ln(2 pi): the loss is off by a constant, the exact flow no longer gives -ln Z."""

EXPECT = {
    "exercise": "week07_generative2.reverse_kl_loss",
    "check": "exact flow x = L z, det A = 1, float64, loss = -ln Z for the exact flow",
    "message": r"-ln Z = -1\.1447\d* for every sample; your loss is 0\.693",
    "replace": {
        "    log_base = -0.5 * (z**2).sum(dim=-1) - 0.5 * dim * math.log(2 * math.pi)\n    log_q = log_base - logdet\n": (
            "    log_base = -0.5 * (z**2).sum(dim=-1)\n    log_q = log_base - logdet\n"
        ),
    },
}
