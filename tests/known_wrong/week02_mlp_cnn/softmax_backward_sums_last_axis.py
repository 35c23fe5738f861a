"""Backward sums delta * y along the last axis instead of self.axis."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Softmax",
    "check": "axis=0 of a (5, 3) input, gradients",
    "message": r"gradient w\.r\.t\. x: .*hint: in backward, sum delta \* y along self\.axis",
    "replace": {
        "        return weighted - self.y * weighted.sum(axis=self.axis, keepdims=True)\n": (
            "        return weighted - self.y * weighted.sum(axis=-1, keepdims=True)\n"
        )
    },
}
