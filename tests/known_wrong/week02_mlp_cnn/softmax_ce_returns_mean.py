"""Forward averages over the batch instead of returning the per-sample losses."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.SoftmaxCrossEntropy",
    "check": "ten classes",
    "message": r"output: expected a numpy\.ndarray, got float64; hint: forward returns the per-sample losses",
}


class SoftmaxCrossEntropy:
    def forward(self, logits, target_onehot):
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.probs = np.exp(log_probs)
        self.target = target_onehot
        return -(target_onehot * log_probs).sum(axis=1).mean()

    def backward(self, delta):
        return (self.probs - self.target) * delta[:, None]
