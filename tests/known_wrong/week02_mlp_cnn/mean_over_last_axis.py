"""Averages over the last axis only: right for (B, F) inputs, wrong for images."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Mean",
    "check": "3-d input (3, 2, 4)",
    "message": r"output: .*shape.*hint: forward returns one number per sample, shape \(B,\)",
    "replace": {
        "        return x.reshape(x.shape[0], -1).mean(axis=1)\n": "        return x.mean(axis=-1)\n"
    },
}
