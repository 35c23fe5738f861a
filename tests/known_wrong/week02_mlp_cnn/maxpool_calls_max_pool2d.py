"""Calls the built-in pooling through torch.ops.aten, which the ban on the operation catches."""

import torch

EXPECT = {
    "exercise": "week02_mlp_cnn.maxpool2d",
    "check": "forbidden APIs",
    "message": r"uses forbidden operation aten\.max_pool2d_with_indices \(line \d+\)",
    "status": "banned",
}


def maxpool2d(x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    kernel, step = _pair(kernel_size), _pair(stride)  # noqa: F821 (the solution's helper)
    return torch.ops.aten.max_pool2d_with_indices(x, kernel, step)[0]
