"""Reads the sparsity pattern off F.unfold of an image of pixel indices."""

import torch
import torch.nn.functional as F

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "forbidden APIs",
    "message": r"uses forbidden torch\.nn\.functional\.unfold \(line \d+\)",
    "status": "banned",
}


def conv2d_sparse_matrix(weight, in_hw, stride=1, padding=0, dilation=1, padding_mode="zeros"):
    c_out, c_in, k_h, k_w = weight.shape
    height, width = in_hw
    pixels = torch.arange(1, c_in * height * width + 1, dtype=torch.float64)
    pixels = pixels.reshape(1, c_in, height, width)
    if padding_mode == "circular":
        pad = (padding, padding) if isinstance(padding, int) else padding
        rows = torch.arange(-pad[0], height + pad[0]) % height
        cols = torch.arange(-pad[1], width + pad[1]) % width
        pixels, padding = pixels[..., rows, :][..., cols], 0
    patches = F.unfold(pixels, (k_h, k_w), dilation=dilation, padding=padding, stride=stride)
    sources = patches[0].round().long().to(weight.device) - 1
    n_taps, n_pixels = sources.shape
    rows = torch.arange(c_out * n_pixels, device=weight.device).reshape(c_out, 1, n_pixels)
    rows, cols = torch.broadcast_tensors(rows, sources[None])
    values = weight.reshape(c_out, n_taps, 1).expand(c_out, n_taps, n_pixels)
    keep = cols >= 0
    matrix = torch.sparse_coo_tensor(
        torch.stack([rows[keep], cols[keep]]),
        values[keep],
        size=(c_out * n_pixels, c_in * height * width),
        check_invariants=True,
    )
    return matrix.coalesce()
