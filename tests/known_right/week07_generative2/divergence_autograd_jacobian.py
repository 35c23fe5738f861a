"""Takes the trace of a full autograd Jacobian, which the docstring allows."""

import torch

EXPECT = {"exercise": "week07_generative2.exact_divergence"}


def exact_divergence(v_fn, x):
    point = x if x.requires_grad else x.clone().requires_grad_(True)
    full = torch.autograd.functional.jacobian(v_fn, point, create_graph=True)  # (B, D, B, D)
    batch = torch.arange(x.shape[0], device=x.device)
    return torch.diagonal(full[batch, :, batch, :], dim1=-2, dim2=-1).sum(dim=-1)
