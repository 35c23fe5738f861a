"""Backward uses 1 - x**2 of the input instead of 1 - tanh(x)**2."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Tanh",
    "check": "single sample, gradients",
    "message": r"gradient w\.r\.t\. x: .*differ.*hint: the derivative is 1 - tanh\(x\)\*\*2, not 1 - x\*\*2",
    "replace": {
        "        self.y = np.tanh(x)\n": "        self.x = x\n        self.y = np.tanh(x)\n",
        "        return delta * (1.0 - self.y**2)\n": "        return delta * (1.0 - self.x**2)\n",
    },
}
