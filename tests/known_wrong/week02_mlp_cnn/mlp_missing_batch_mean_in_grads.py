"""Averages the loss but forgets the 1/B in the gradient."""

EXPECT = {
    "exercise": "week02_mlp_cnn.mlp_loss_and_grads",
    "check": "depth 3, batch of 4, soft targets, gradients",
    "message": r"gradient w\.r\.t\. W1: .*differ.*hint: the gradients are B times too large",
    "replace": {"np.full(self.batch_size, 1.0 / self.batch_size)": "np.ones(self.batch_size)"},
}
