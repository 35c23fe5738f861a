"""Reverses self.layers in place: right once, in forward order on the second backward call."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Sequential",
    "check": "backward called twice, same gradients both times",
    "message": r"raised ValueError: Linear\.backward expects delta of shape.*"
    r"hint: .*leave self\.layers as it is",
    "replace": {
        "        for layer in reversed(self.layers):\n": (
            "        self.layers.reverse()\n        for layer in self.layers:\n"
        )
    },
}
