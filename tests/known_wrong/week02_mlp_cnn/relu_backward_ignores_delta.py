"""Backward returns the local derivative (x > 0) without multiplying by delta."""

EXPECT = {
    "exercise": "week02_mlp_cnn.ReLU",
    "check": "3-d input (2, 3, 4), gradients",
    "message": r"gradient w\.r\.t\. x: .*differ.*hint: backward returns delta \* \(x > 0\): multiply by delta",
    "lesson": True,
    "replace": {
        "        return np.where(self.active, delta, 0.0)\n": "        return self.active.astype(np.float64)\n"
    },
}
