"""Adds to self.grads on every backward call instead of overwriting them."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.Linear",
    "check": "backward called twice, same gradients both times",
    "message": r"gradient w\.r\.t\. W: a second backward call with the same delta changed it.*"
    r"hint: backward must overwrite self\.grads",
}


def _backward(self, delta):
    if self.grads is None:
        self.grads = [np.zeros_like(self.W), np.zeros_like(self.b)]
    self.grads[0] += self.x.T @ delta
    self.grads[1] += delta.sum(axis=0)
    return delta @ self.W.T


Linear.backward = _backward  # noqa: F821 (the solution's class, defined above)
