"""The textbook 1 / (1 + exp(-x)): exp overflows for x = -1000."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Sigmoid",
    "check": "inputs +-1000, 0 and +-40",
    "message": r"raised FloatingPointError: overflow encountered in exp \(line \d+\); "
    r"hint: 1/\(1\+exp\(-x\)\) overflows",
    "lesson": True,
    "replace": {
        "        decay = np.exp(-np.abs(x))\n        self.y = np.where(x >= 0, 1.0, decay) / (1.0 + decay)\n": (
            "        self.y = 1.0 / (1.0 + np.exp(-x))\n"
        )
    },
}
