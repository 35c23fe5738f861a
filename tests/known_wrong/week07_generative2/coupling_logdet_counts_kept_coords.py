"""Never multiplies the net outputs by (1 - m): logdet also sums s over the kept coordinates."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "alternating mask, float64",
    "message": r"forward logdet: \d+/5 entries differ.*hint: logdet sums s over the transformed "
    r"coordinates only",
    "lesson": True,
    "replace": {
        "        s = self.s_net(z_masked) * (1 - m)\n"
        "        t = self.t_net(z_masked) * (1 - m)\n"
        "        x = z_masked + (1 - m) * (z * torch.exp(s) + t)\n"
        "        logdet = ((1 - m) * s).sum(dim=-1)\n": (
            "        s = self.s_net(z_masked)\n"
            "        t = self.t_net(z_masked)\n"
            "        x = z_masked + (1 - m) * (z * torch.exp(s) + t)\n"
            "        logdet = s.sum(dim=-1)\n"
        ),
        "        s = self.s_net(x_masked) * (1 - m)\n"
        "        t = self.t_net(x_masked) * (1 - m)\n"
        "        z = x_masked + (1 - m) * (x - t) * torch.exp(-s)\n"
        "        logdet_inv = -((1 - m) * s).sum(dim=-1)\n": (
            "        s = self.s_net(x_masked)\n"
            "        t = self.t_net(x_masked)\n"
            "        z = x_masked + (1 - m) * (x - t) * torch.exp(-s)\n"
            "        logdet_inv = -s.sum(dim=-1)\n"
        ),
    },
}
