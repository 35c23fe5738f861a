"""Shifted softmax, then log of it: the probability exp(-2000) is 0 and log(0) divides by zero."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.SoftmaxCrossEntropy",
    "check": "logits +-1000 (losses 2000, 0, log 2)",
    "message": r"raised FloatingPointError: divide by zero encountered in log \(line \d+\); hint: .*never take log of a softmax",
}


class SoftmaxCrossEntropy:
    def forward(self, logits, target_onehot):
        weights = np.exp(logits - logits.max(axis=1, keepdims=True))
        self.probs = weights / weights.sum(axis=1, keepdims=True)
        self.target = target_onehot
        return -(target_onehot * np.log(self.probs)).sum(axis=1)

    def backward(self, delta):
        return (self.probs - self.target) * delta[:, None]
