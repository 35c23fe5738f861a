"""Computes dW = delta^T x, the transpose of the gradient (the slide's W convention)."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Linear",
    "check": "batch of 5, 4 to 3 features, gradients",
    "message": r"gradient w\.r\.t\. W: expected shape \[4, 3\], got \[3, 4\]; hint: dW = x\.T @ delta",
    "lesson": True,
    "replace": {"self.x.T @ delta,": "delta.T @ self.x,"},
}
