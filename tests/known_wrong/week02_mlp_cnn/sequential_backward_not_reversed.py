"""Backpropagates through the layers in forward order."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Sequential",
    "check": "Linear-Tanh-Linear, batch of 4",
    "message": r"raised ValueError: Linear\.backward expects delta of shape \(4, 5\), got \(4, 4\) "
    r"\(line \d+\); hint: call the layers' backward last layer first",
    "replace": {
        "        for layer in reversed(self.layers):\n": "        for layer in self.layers:\n"
    },
}
