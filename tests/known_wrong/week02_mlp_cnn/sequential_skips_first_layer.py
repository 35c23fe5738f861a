"""An off-by-one slice: backward never reaches the first layer."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Sequential",
    "check": "three Linear layers, soft targets, gradients",
    "message": r"gradient w\.r\.t\. x: expected shape \[5, 4\], got \[5, 6\]; "
    r"hint: backward calls loss\.backward and then every layer's backward",
    "replace": {
        "        for layer in reversed(self.layers):\n": "        for layer in reversed(self.layers[1:]):\n"
    },
}
