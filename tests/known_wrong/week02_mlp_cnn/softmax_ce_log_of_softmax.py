"""Shifted softmax, then log of it: the probability exp(-2000) is 0 and log(0) divides by zero."""

EXPECT = {
    "exercise": "week02_mlp_cnn.SoftmaxCrossEntropy",
    "check": "logits +-1000 (losses 2000, 0, log 2)",
    "message": r"raised FloatingPointError: divide by zero encountered in log \(line \d+\); "
    r"hint: .*never take log of a softmax",
    "replace": {
        "        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))\n"
        "        self.probs = np.exp(log_probs)\n": (
            "        self.probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)\n"
            "        log_probs = np.log(self.probs)\n"
        )
    },
}
