"""Returns delta @ W instead of delta @ W.T (only runs at all when W is square)."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Linear",
    "check": "square W, 4 to 4 features, gradients",
    "message": r"gradient w\.r\.t\. x: \d+/24 entries differ.*hint: dL/dx = delta @ W\.T",
    "replace": {"        return delta @ self.W.T\n": "        return delta @ self.W\n"},
}
