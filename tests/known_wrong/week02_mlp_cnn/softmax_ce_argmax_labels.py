"""Turns the targets into labels with argmax: wrong for soft targets."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.SoftmaxCrossEntropy",
    "check": "soft targets, B=5, C=3",
    "message": r"output: .*differ.*hint: targets may be soft",
}


class SoftmaxCrossEntropy:
    def forward(self, logits, target_onehot):
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.probs = np.exp(log_probs)
        self.labels = target_onehot.argmax(axis=1)
        return -log_probs[np.arange(len(logits)), self.labels]

    def backward(self, delta):
        grad = self.probs.copy()
        grad[np.arange(len(grad)), self.labels] -= 1.0
        return grad * delta[:, None]
