"""Leaves the dilation out of the output size: H_out = (H + 2P - K) // S + 1."""

import torch

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "dilation 2, padding 2, 9x8 image, float64",
    "message": r"matrix: expected shape \[144, 72\], got \[220, 72\].*the dilation enters the output size",
}


def _pair(value):
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def conv2d_sparse_matrix(weight, in_hw, stride=1, padding=0, dilation=1, padding_mode="zeros"):
    c_out, c_in, k_h, k_w = weight.shape
    height, width = in_hw
    device = weight.device
    axes = []
    for n_in, k, s, p, d in zip(
        in_hw, (k_h, k_w), _pair(stride), _pair(padding), _pair(dilation), strict=True
    ):
        n_out = (n_in + 2 * p - k) // s + 1
        out_idx = torch.arange(n_out, device=device).repeat_interleave(k)
        tap_idx = torch.arange(k, device=device).repeat(n_out)
        in_idx = out_idx * s - p + tap_idx * d
        if padding_mode == "circular":
            in_idx = in_idx % n_in
        else:
            inside = (in_idx >= 0) & (in_idx < n_in)
            out_idx, tap_idx, in_idx = out_idx[inside], tap_idx[inside], in_idx[inside]
        axes.append((n_out, out_idx, tap_idx, in_idx))
    (h_out, i, m, r), (w_out, j, n, c) = axes
    mu = torch.arange(c_out, device=device)[:, None, None, None]
    nu = torch.arange(c_in, device=device)[None, :, None, None]
    rows = (mu * h_out + i[:, None]) * w_out + j
    cols = (nu * height + r[:, None]) * width + c
    rows, cols = torch.broadcast_tensors(rows, cols)
    values = weight[:, :, m[:, None], n]
    matrix = torch.sparse_coo_tensor(
        torch.stack([rows.reshape(-1), cols.reshape(-1)]),
        values.reshape(-1),
        size=(c_out * h_out * w_out, c_in * height * width),
        check_invariants=True,
    )
    return matrix.coalesce()
