"""Computes dW = delta^T x, the transpose of the gradient (the slide's W convention)."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Linear",
    "check": "batch of 5, 4 to 3 features",
    "message": r"gradient w.r.t. W: expected shape \[4, 3\], got \[3, 4\]; hint: dW = x\.T @ delta",
}


class Linear:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.grads = None

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, delta):
        self.grads = [delta.T @ self.x, delta.sum(axis=0)]
        return delta @ self.W.T
