"""Backward hands delta_b to every entry of sample b, forgetting the 1/N of the mean."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Mean",
    "check": "batch of 4, 5 features, gradients",
    "message": r"gradient w\.r\.t\. x: .*hint: divide by N, the number of entries of one sample",
    "lesson": True,
    "replace": {
        "        per_entry = (delta / n_entries).reshape(-1, *[1] * (len(self.shape) - 1))\n": (
            "        per_entry = delta.reshape(-1, *[1] * (len(self.shape) - 1))\n"
        )
    },
}
