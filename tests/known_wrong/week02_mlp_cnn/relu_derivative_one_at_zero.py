"""Masks with x >= 0: derivative 1 at exactly 0, where torch.relu (the reference) has 0."""

EXPECT = {
    "exercise": "week02_mlp_cnn.ReLU",
    "check": "exact zeros (derivative 0 at 0), gradients",
    "message": r"gradient w\.r\.t\. x: .*differ.*hint: the derivative at exactly x = 0 is 0",
    "replace": {"        self.active = x > 0\n": "        self.active = x >= 0\n"},
}
