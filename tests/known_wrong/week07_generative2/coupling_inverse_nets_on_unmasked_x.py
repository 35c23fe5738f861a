"""Forward is right, but inverse hands the whole x to the nets."""

EXPECT = {
    "exercise": "week07_generative2.AffineCoupling",
    "check": "random mask, float32",
    "message": r"inverse z: \d+/28 entries differ.*hint: in inverse the nets see x \* m",
    "replace": {
        "        s = self.s_net(x_masked) * (1 - m)\n        t = self.t_net(x_masked) * (1 - m)\n": (
            "        s = self.s_net(x) * (1 - m)\n        t = self.t_net(x) * (1 - m)\n"
        )
    },
}
