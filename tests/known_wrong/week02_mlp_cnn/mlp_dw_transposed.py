"""Computes dW = delta^T h, the transpose of the gradient."""

EXPECT = {
    "exercise": "week02_mlp_cnn.mlp_loss_and_grads",
    "check": "depth 2, batch of 6, gradients",
    "message": r"gradient w\.r\.t\. W1: expected shape \[3, 5\], got \[5, 3\]; hint: dW = h\.T @ delta",
    "replace": {"self.x.T @ delta,": "delta.T @ self.x,"},
}
