"""Clamps the probabilities at 1e-15 before the log: a loss of 2000 comes out as 34.5."""

EXPECT = {
    "exercise": "week02_mlp_cnn.SoftmaxCrossEntropy",
    "check": "logits +-1000 (losses 2000, 0, log 2)",
    "message": r"output: 1/3 entries differ.*yours 34\.5.*expected 2000.*hint: never clamp or log the softmax",
    "replace": {
        "        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))\n"
        "        self.probs = np.exp(log_probs)\n": (
            "        self.probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)\n"
            "        log_probs = np.log(np.clip(self.probs, 1e-15, 1.0))\n"
        )
    },
}
