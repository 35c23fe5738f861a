"""Flattens the batch with x.reshape(-1, B), which interleaves the images."""

import torch

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_via_matrix",
    "check": "stride 2, padding 1, 7x6 image (floor sizes), batch 3, float64",
    "message": r"output: .*entries differ.*x\.reshape\(-1, B\) mixes the images",
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
        n_out = (n_in + 2 * p - d * (k - 1) - 1) // s + 1
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


def conv2d_via_matrix(x, weight, bias=None, stride=1, padding=0, dilation=1, padding_mode="zeros"):
    batch, _, height, width = x.shape
    c_out, _, k_h, k_w = weight.shape
    h_out, w_out = (
        (n + 2 * p - d * (k - 1) - 1) // s + 1
        for n, k, s, p, d in zip(
            (height, width), (k_h, k_w), _pair(stride), _pair(padding), _pair(dilation), strict=True
        )
    )
    matrix = conv2d_sparse_matrix(weight, (height, width), stride, padding, dilation, padding_mode)
    rows, cols = matrix.indices()
    products = matrix.values()[:, None] * x.reshape(-1, batch)[cols]
    out = x.new_zeros(matrix.shape[0], batch).index_add(0, rows, products)
    out = out.T.reshape(batch, c_out, h_out, w_out)
    if bias is not None:
        out = out + bias[:, None, None]
    return out
