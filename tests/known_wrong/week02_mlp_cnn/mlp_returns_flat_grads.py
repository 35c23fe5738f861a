"""Returns the gradients as one flat list [dW_1, db_1, dW_2, db_2, ...] instead of pairs."""

import numpy as np

EXPECT = {
    "exercise": "week02_mlp_cnn.mlp_loss_and_grads",
    "check": "depth 2, batch of 6",
    "message": r"number of \(dW, db\) pairs: 1/1 entries differ.*yours 4, expected 2.*hint: return \(loss, \[\(dW_1, db_1\)",
}


def mlp_loss_and_grads(params, x, y_onehot):
    hs = [x]
    for W, b in params[:-1]:
        hs.append(np.tanh(hs[-1] @ W + b))
    z = hs[-1] @ params[-1][0] + params[-1][1]
    shifted = z - z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    batch = len(x)
    loss = float(-(y_onehot * log_probs).sum() / batch)
    delta = (np.exp(log_probs) - y_onehot) / batch
    grads = []
    for k in range(len(params) - 1, -1, -1):
        grads = [hs[k].T @ delta, delta.sum(axis=0), *grads]
        if k:
            delta = (delta @ params[k][0].T) * (1 - hs[k] ** 2)
    return loss, grads
