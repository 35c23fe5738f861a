"""The Bernoulli term as softplus(l) - x l, and torch.distributions.Normal for the Gaussian one."""

EXPECT = {
    "exercise": "week06_generative1.vae_loss",
    "replace": {
        '        nll = bce(out, target, reduction="none").sum(dim=-1)\n': (
            "        nll = (torch.nn.functional.softplus(out) - target * out).sum(dim=-1)\n"
        ),
        "        squared = (x - out).square() / log_variance.exp()\n"
        "        log_2pi = torch.log(x.new_tensor(2 * torch.pi))\n"
        "        nll = 0.5 * (squared + log_variance + log_2pi).sum(dim=-1)\n": (
            "        normal = torch.distributions.Normal(out, (0.5 * log_variance).exp())\n"
            "        nll = -normal.log_prob(x).sum(dim=-1)\n"
        ),
    },
}
