"""Returns the summed loss (and, consistently, its gradient) instead of the batch mean."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Sequential",
    "check": "three Linear layers, soft targets",
    "message": r"output: .*differ.*hint: the network loss is the mean of the per-sample losses",
    "replace": {
        "        return float(per_sample.mean())\n": "        return float(per_sample.sum())\n",
        "np.full(self.batch_size, 1.0 / self.batch_size)": "np.ones(self.batch_size)",
    },
}
