"""Writes the Bernoulli log-likelihood with log(sigmoid(l)): -inf once |l| is large."""

EXPECT = {
    "exercise": "week06_generative1.vae_loss",
    "check": "bernoulli, logits of +-1e4, float32",
    "message": r"hint: log\(sigmoid\(l\)\) is -inf for l = -1e4",
    "replace": {
        '        nll = bce(out, target, reduction="none").sum(dim=-1)\n': (
            "        p = torch.sigmoid(out)\n"
            "        nll = -(target * torch.log(p) + (1 - target) * torch.log(1 - p)).sum(dim=-1)\n"
        ),
    },
}
