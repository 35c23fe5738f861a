"""Clamps the probabilities at 1e-15 before the log: a loss of 2000 comes out as 34.5."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.SoftmaxCrossEntropy",
    "check": "logits +-1000 (losses 2000, 0, log 2)",
    "message": r"output: 1/3 entries differ.*yours 34\.5.*expected 2000.*hint: never clamp or log the softmax",
}


class SoftmaxCrossEntropy:
    def forward(self, logits, target_onehot):
        weights = np.exp(logits - logits.max(axis=1, keepdims=True))
        self.probs = weights / weights.sum(axis=1, keepdims=True)
        self.target = target_onehot
        return -(target_onehot * np.log(np.clip(self.probs, 1e-15, 1.0))).sum(axis=1)

    def backward(self, delta):
        return (self.probs - self.target) * delta[:, None]
