"""Returns delta @ W instead of delta @ W.T (only runs at all when W is square)."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Linear",
    "check": "square W, 4 to 4 features",
    "message": r"gradient w.r.t. x: \d+/24 entries differ.*hint: dL/dx = delta @ W\.T",
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
        self.grads = [self.x.T @ delta, delta.sum(axis=0)]
        return delta @ self.W
