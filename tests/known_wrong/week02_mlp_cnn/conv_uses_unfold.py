"""Reads the sparsity pattern off F.unfold of an image of pixel indices."""

import torch
import torch.nn.functional as F

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "forbidden APIs",
    "message": r"uses forbidden operation aten\.im2col \(line \d+\), "
    r"torch\.nn\.functional\.unfold \(line \d+\)$",
    "status": "banned",
}


def conv2d_sparse_matrix(weight, in_hw, stride=1, padding=0, dilation=1, padding_mode="zeros"):
    c_out, c_in, k_h, k_w = weight.shape
    pixels = torch.arange(1.0, c_in * in_hw[0] * in_hw[1] + 1).reshape(1, c_in, *in_hw)
    patches = F.unfold(pixels, (k_h, k_w), dilation=dilation, padding=padding, stride=stride)
    sources = patches[0].long() - 1  # (C_in*K_h*K_w, H_out*W_out), -1 for a padding tap
    n_taps, n_pixels = sources.shape
    rows = torch.arange(c_out * n_pixels).reshape(c_out, 1, n_pixels).expand(-1, n_taps, -1)
    cols = sources.expand(c_out, -1, -1)
    values = weight.reshape(c_out, n_taps, 1).expand(-1, -1, n_pixels)
    keep = cols >= 0
    size = (c_out * n_pixels, c_in * in_hw[0] * in_hw[1])
    index = torch.stack([rows[keep], cols[keep]])
    return torch.sparse_coo_tensor(index, values[keep], size, check_invariants=True).coalesce()
