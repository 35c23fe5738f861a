"""Backward keeps only the diagonal of the softmax Jacobian, as if softmax were elementwise."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Softmax",
    "check": "random (4, 5), default axis, gradients",
    "message": r"gradient w\.r\.t\. x: .*hint: the softmax Jacobian is not diagonal",
    "lesson": True,
    "replace": {
        "        return weighted - self.y * weighted.sum(axis=self.axis, keepdims=True)\n": (
            "        return delta * self.y * (1.0 - self.y)\n"
        )
    },
}
