"""tanh from its definition with exponentials: exp(1000) overflows."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Tanh",
    "check": "inputs +-1000, 0 and +-40",
    "message": r"raised FloatingPointError: overflow encountered in exp \(line \d+\); "
    r"hint: exp\(x\) overflows for \|x\| = 1000: use np\.tanh",
    "replace": {
        "        self.y = np.tanh(x)\n": (
            "        up, down = np.exp(x), np.exp(-x)\n        self.y = (up - down) / (up + down)\n"
        )
    },
}
