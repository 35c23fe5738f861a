"""Backward returns delta_b / N with shape (B, 1, ...), not spread over the input's shape."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Mean",
    "check": "batch of 4, 5 features, gradients",
    "message": r"gradient w\.r\.t\. x: .*shape.*hint: backward returns an array of the forward "
    r"input's shape",
    "replace": {
        "        return np.broadcast_to(per_entry, self.shape).copy()\n": "        return per_entry\n"
    },
}
