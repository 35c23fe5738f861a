"""Applies tanh to the output layer too, so the logits are squashed into [-1, 1]."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.mlp_loss_and_grads",
    "check": "depth 2, batch of 6",
    "message": r"loss: .*differ.*hint: the output layer is linear: no tanh on the logits",
}


def mlp_loss_and_grads(params, x, y_onehot):
    hs = [x]
    for W, b in params:
        hs.append(np.tanh(hs[-1] @ W + b))
    z = hs[-1]
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    batch = len(x)
    loss = float(-(y_onehot * log_probs).sum() / batch)
    delta = (np.exp(log_probs) - y_onehot) / batch
    grads = []
    for k in range(len(params) - 1, -1, -1):
        delta = delta * (1 - hs[k + 1] ** 2)
        grads.append((hs[k].T @ delta, delta.sum(axis=0)))
        delta = delta @ params[k][0].T
    return loss, grads[::-1]
