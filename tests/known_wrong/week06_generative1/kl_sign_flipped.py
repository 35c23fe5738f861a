"""Copies the ELBO's -KL term: the divergence comes out negative."""

EXPECT = {
    "exercise": "week06_generative1.gaussian_kl_std_normal",
    "check": "random mu, logvar, float64",
    "message": r"output: 5/5 entries differ.*hint: KL\(q \|\| p\) >= 0: the terms are \+\(mu\^2 \+ exp\(logvar\) - 1 - logvar\), a sign is flipped",
    "lesson": True,
    "replace": {"    return 0.5 * terms.sum(dim=-1)\n": "    return -0.5 * terms.sum(dim=-1)\n"},
}
