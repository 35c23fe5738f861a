"""Averages over the batch axis instead of over each sample's entries."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Mean",
    "check": "batch of 4, 5 features",
    "message": r"output: .*shape.*hint: forward returns one number per sample, shape \(B,\)",
    "replace": {
        "        return x.reshape(x.shape[0], -1).mean(axis=1)\n": "        return x.mean(axis=0)\n"
    },
}
