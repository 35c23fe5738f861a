"""Lets torch.autograd do the backward pass, which this exercise forbids."""

import torch

EXPECT = {
    "exercise": "week02_mlp_cnn.mlp_loss_and_grads",
    "check": "forbidden APIs",
    "message": r"uses forbidden torch\b.*torch \(torch\.autograd\.grad\) \(line \d+\)",
    "status": "banned",
}


def mlp_loss_and_grads(params, x, y_onehot):
    leaves = [torch.tensor(a, requires_grad=True) for pair in params for a in pair]
    h = torch.tensor(x)
    for k in range(len(params)):
        h = h @ leaves[2 * k] + leaves[2 * k + 1]
        if k < len(params) - 1:
            h = torch.tanh(h)
    loss = -(torch.tensor(y_onehot) * torch.log_softmax(h, dim=1)).sum(dim=1).mean()
    grads = [g.numpy() for g in torch.autograd.grad(loss, leaves)]
    return float(loss), list(zip(grads[::2], grads[1::2], strict=True))
