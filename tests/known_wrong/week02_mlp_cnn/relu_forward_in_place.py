"""Zeroes the negative entries of the caller's array in place."""

EXPECT = {
    "exercise": "week02_mlp_cnn.ReLU",
    "check": "inputs left unmodified",
    "message": r"modified its input\(s\) x in place",
    "replace": {
        "        self.active = x > 0\n        return np.where(self.active, x, 0.0)\n": (
            "        self.active = x > 0\n        x[~self.active] = 0.0\n        return x\n"
        )
    },
}
