"""Normalises along the last axis whatever self.axis says."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Softmax",
    "check": "axis=0 of a (5, 3) input",
    "message": r"output: .*hint: normalise along self\.axis, not along the last axis",
    "replace": {
        "        shifted = x - x.max(axis=self.axis, keepdims=True)\n": (
            "        shifted = x - x.max(axis=-1, keepdims=True)\n"
        ),
        "        self.y = exps / exps.sum(axis=self.axis, keepdims=True)\n": (
            "        self.y = exps / exps.sum(axis=-1, keepdims=True)\n"
        ),
    },
}
