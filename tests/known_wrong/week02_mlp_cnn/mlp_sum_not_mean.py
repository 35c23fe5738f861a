"""Sums the per-sample losses (and their gradients) instead of averaging over the batch."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.mlp_loss_and_grads",
    "check": "depth 1 (softmax regression), batch of 5",
    "message": r"loss: .*differ.*hint: the loss is the mean over the batch, not the sum",
}


def mlp_loss_and_grads(params, x, y_onehot):
    hs = [x]
    for W, b in params[:-1]:
        hs.append(np.tanh(hs[-1] @ W + b))
    z = hs[-1] @ params[-1][0] + params[-1][1]
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = float(-(y_onehot * log_probs).sum())
    delta = np.exp(log_probs) - y_onehot
    grads = []
    for k in range(len(params) - 1, -1, -1):
        grads.append((hs[k].T @ delta, delta.sum(axis=0)))
        if k:
            delta = (delta @ params[k][0].T) * (1 - hs[k] ** 2)
    return loss, grads[::-1]
