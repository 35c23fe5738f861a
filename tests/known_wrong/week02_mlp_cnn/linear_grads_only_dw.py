"""Stores only dW in self.grads (no list, no db)."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Linear",
    "check": "single sample, gradients",
    "message": r"gradient w\.r\.t\. b: expected shape \[6\], got \[4, 6\]; "
    r"hint: after backward, self\.grads must be the list \[dW, db\]",
    "replace": {
        "        self.grads = [self.x.T @ delta, delta.sum(axis=0)]\n": (
            "        self.grads = self.x.T @ delta\n"
        )
    },
}
