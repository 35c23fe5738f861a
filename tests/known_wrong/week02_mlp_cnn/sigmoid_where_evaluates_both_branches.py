"""A "stable" sigmoid with np.where: both branches are evaluated, so exp(x) overflows at x = 1000."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Sigmoid",
    "check": "uniform in [-1000, 1000]",
    "message": r"raised FloatingPointError: overflow encountered in exp \(line \d+\); "
    r"hint: .*np\.where evaluates both branches",
    "replace": {
        "        decay = np.exp(-np.abs(x))\n        self.y = np.where(x >= 0, 1.0, decay) / (1.0 + decay)\n": (
            "        self.y = np.where(x >= 0, 1.0 / (1.0 + np.exp(-x)), np.exp(x) / (1.0 + np.exp(x)))\n"
        )
    },
}
