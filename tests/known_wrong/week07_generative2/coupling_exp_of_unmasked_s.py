"""Masks the output but takes exp of the raw s_net output: exp overflows where mask is True."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "s_net huge on the kept coordinates, float32",
    "message": r"forward x: \d+/24 entries are nan where the reference is finite.*hint: "
    r"s = s_net\(z \* m\) \* \(1 - m\): mask s before exp",
    "replace": {
        "        s = self.s_net(z_masked) * (1 - m)\n        t = self.t_net(z_masked) * (1 - m)\n": (
            "        s = self.s_net(z_masked)\n        t = self.t_net(z_masked)\n"
        ),
        "        s = self.s_net(x_masked) * (1 - m)\n        t = self.t_net(x_masked) * (1 - m)\n": (
            "        s = self.s_net(x_masked)\n        t = self.t_net(x_masked)\n"
        ),
    },
}
