"""Backward applies tanh to the stored output again: 1 - tanh(y)**2 with y = tanh(x)."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Tanh",
    "check": "random (4, 5), gradients",
    "message": r"gradient w\.r\.t\. x: .*differ.*hint: backward uses y = tanh\(x\) as stored in forward",
    "lesson": True,
    "replace": {
        "        return delta * (1.0 - self.y**2)\n": "        return delta * (1.0 - np.tanh(self.y) ** 2)\n"
    },
}
