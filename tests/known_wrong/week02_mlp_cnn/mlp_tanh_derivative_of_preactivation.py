"""Backpropagates through tanh with 1 - a**2 of the pre-activation a instead of the output."""

EXPECT = {
    "exercise": "week02_mlp_cnn.mlp_loss_and_grads",
    "check": "depth 2, batch of 6, gradients",
    "message": r"gradient w\.r\.t\. W1: .*differ.*hint: backpropagate through tanh with 1 - h\*\*2 of its output",
    "lesson": True,
    "replace": {
        "        self.y = np.tanh(x)\n": "        self.a = x\n        self.y = np.tanh(x)\n",
        "        return delta * (1.0 - self.y**2)\n": "        return delta * (1.0 - self.a**2)\n",
    },
}
