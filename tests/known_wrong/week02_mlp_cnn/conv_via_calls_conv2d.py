"""Calls F.conv2d after padding the torus by hand."""

import torch
import torch.nn.functional as F

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_via_matrix",
    "check": "forbidden APIs",
    "message": r"uses forbidden operation aten\.convolution \(line \d+\), "
    r"torch\.nn\.functional\.conv2d \(line \d+\)$",
    "status": "banned",
}


def conv2d_via_matrix(x, weight, bias=None, stride=1, padding=0, dilation=1, padding_mode="zeros"):
    if padding_mode == "circular":
        pad_h, pad_w = _pair(padding)  # noqa: F821 (the solution's helper)
        rows = torch.arange(-pad_h, x.shape[-2] + pad_h, device=x.device) % x.shape[-2]
        cols = torch.arange(-pad_w, x.shape[-1] + pad_w, device=x.device) % x.shape[-1]
        x, padding = x[..., rows, :][..., cols], 0
    return F.conv2d(x, weight, bias, stride=stride, padding=padding, dilation=dilation)
