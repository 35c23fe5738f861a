"""Detaches the log-det (as if it were bookkeeping): no gradient reaches s_net through it."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "alternating mask, float64, gradients",
    "message": r"gradient w\.r\.t\. z through forward logdet: your output is not connected to the "
    r"autograd graph",
    "replace": {
        "        return x, logdet\n": "        return x, logdet.detach()\n",
        "        return z, logdet_inv\n": "        return z, logdet_inv.detach()\n",
    },
}
