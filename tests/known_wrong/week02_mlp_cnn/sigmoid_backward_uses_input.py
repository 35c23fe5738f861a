"""Backward takes x * (1 - x) of the stored input instead of y * (1 - y) of the output."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Sigmoid",
    "check": "random (4, 5), gradients",
    "message": r"gradient w\.r\.t\. x: .*differ.*hint: the derivative is y \* \(1 - y\) with y = sigmoid\(x\)",
    "replace": {
        "        decay = np.exp(-np.abs(x))\n": "        self.x = x\n        decay = np.exp(-np.abs(x))\n",
        "        return delta * self.y * (1.0 - self.y)\n": "        return delta * self.x * (1.0 - self.x)\n",
    },
}
