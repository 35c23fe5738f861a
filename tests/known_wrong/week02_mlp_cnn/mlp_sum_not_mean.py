"""Sums the per-sample losses (and their gradients) instead of averaging over the batch."""

EXPECT = {
    "exercise": "week02_mlp_cnn.mlp_loss_and_grads",
    "check": "depth 1 (softmax regression), batch of 5",
    "message": r"loss: .*differ.*hint: the loss is the mean over the batch, not the sum",
    "replace": {
        "        return float(per_sample.mean())\n": "        return float(per_sample.sum())\n",
        "np.full(self.batch_size, 1.0 / self.batch_size)": "np.ones(self.batch_size)",
    },
}
