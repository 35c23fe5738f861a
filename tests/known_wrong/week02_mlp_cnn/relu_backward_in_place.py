"""The textbook backward: zeroes delta where x <= 0 in place and returns it (right values)."""

EXPECT = {
    "exercise": "week02_mlp_cnn.ReLU",
    "check": "inputs left unmodified",
    "message": r"^modified its input\(s\) delta in place \(case 'random \(4, 5\)'\); the docstring asks",
    "replace": {
        "        return np.where(self.active, delta, 0.0)\n": (
            "        delta[~self.active] = 0.0\n        return delta\n"
        )
    },
}
