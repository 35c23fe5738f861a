"""Feeds the whole z to the nets: s and t depend on the coordinates they transform."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "half mask, float64",
    "message": r"forward x: \d+/32 entries differ.*hint: the nets see only the passed-through "
    r"coordinates",
    "replace": {
        "        s = self.s_net(z_masked) * (1 - m)\n        t = self.t_net(z_masked) * (1 - m)\n": (
            "        s = self.s_net(z) * (1 - m)\n        t = self.t_net(z) * (1 - m)\n"
        ),
        "        s = self.s_net(x_masked) * (1 - m)\n        t = self.t_net(x_masked) * (1 - m)\n": (
            "        s = self.s_net(x) * (1 - m)\n        t = self.t_net(x) * (1 - m)\n"
        ),
    },
}
