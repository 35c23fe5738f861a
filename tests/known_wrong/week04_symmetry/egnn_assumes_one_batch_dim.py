"""Indexes the particle axis as axis 1: positions without a batch dim break."""

EXPECT = {
    "exercise": "week04_symmetry.egnn_layer",
    "check": "no batch dims, float64",
    "message": r"raised .*hint: x may have no batch dims, or several",
}


def egnn_layer(x, h, phi_e, phi_x, phi_h):
    import torch

    batch, n, features = h.shape
    differences = x[:, :, None, :] - x[:, None, :, :]
    squared_distances = differences.square().sum(dim=-1, keepdim=True)
    h_i = h[:, :, None, :].expand(batch, n, n, features)
    h_j = h[:, None, :, :].expand(batch, n, n, features)
    messages = phi_e(torch.cat([h_i, h_j, squared_distances], dim=-1))
    messages = messages * (1 - torch.eye(n, dtype=x.dtype, device=x.device))[:, :, None]
    x_new = x + (differences * phi_x(messages)).sum(dim=-2) / (n - 1)
    return x_new, phi_h(torch.cat([h, messages.sum(dim=-2)], dim=-1)) + h
