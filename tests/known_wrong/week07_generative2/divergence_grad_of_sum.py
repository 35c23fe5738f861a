"""One backward pass of sum(v), summed over the coordinates: every Jacobian entry, not the trace."""

import torch

EXPECT = {
    "exercise": "week07_generative2.exact_divergence",
    "check": "tanh MLP field, float64",
    "message": r"hint: grad\(sum\(v\), x\) sums every column of the Jacobian",
    "lesson": True,
}


def exact_divergence(v_fn, x):
    point = x if x.requires_grad else x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(v_fn(point).sum(), point, create_graph=True)
    return grad.sum(dim=-1)
