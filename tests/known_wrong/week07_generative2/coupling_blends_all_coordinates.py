"""Transforms every coordinate, then subtracts the change on the kept ones: not bit-exact there."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "round trip and pass-through, float64, masked coordinates pass through bit-exactly",
    "message": r"^forward\(z\)\[:, mask\] != z\[:, mask\] in \d+/\d+ entries: the coordinates with "
    r"mask True must be copied bit-exactly",
    "replace": {
        "        s = self.s_net(z_masked) * (1 - m)\n"
        "        t = self.t_net(z_masked) * (1 - m)\n"
        "        x = z_masked + (1 - m) * (z * torch.exp(s) + t)\n": (
            "        s = self.s_net(z_masked)\n"
            "        t = self.t_net(z_masked)\n"
            "        y = z * torch.exp(s) + t\n"
            "        x = y - m * (y - z)\n"
        ),
        "        s = self.s_net(x_masked) * (1 - m)\n"
        "        t = self.t_net(x_masked) * (1 - m)\n"
        "        z = x_masked + (1 - m) * (x - t) * torch.exp(-s)\n": (
            "        s = self.s_net(x_masked)\n"
            "        t = self.t_net(x_masked)\n"
            "        y = (x - t) * torch.exp(-s)\n"
            "        z = y - m * (y - x)\n"
        ),
    },
}
