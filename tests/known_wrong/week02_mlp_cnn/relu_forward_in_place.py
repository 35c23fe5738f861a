"""Zeroes the negative entries of the caller's array in place."""

EXPECT = {
    "exercise": "week02_mlp_cnn.ReLU",
    "check": "random (4, 5)",
    "message": r"modified its input\(s\) x in place",
}


class ReLU:
    def forward(self, x):
        x[x < 0] = 0.0
        self.x = x
        return x

    def backward(self, delta):
        return delta * (self.x > 0)
