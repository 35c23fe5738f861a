"""Calls F.unfold's operator through getattr(torch.ops.aten, ...): banned whatever the name."""

import torch

EXPECT = {
    "exercise": "week02_mlp_cnn.conv2d_sparse_matrix",
    "check": "forbidden APIs",
    "message": r"uses forbidden operation aten\.im2col \(line \d+\)$",
    "status": "banned",
}

_solution = conv2d_sparse_matrix  # noqa: F821 (the solution's function, defined above)


def conv2d_sparse_matrix(weight, in_hw, *args, **kwargs):
    unfold = getattr(torch.ops.aten, "im2" + "col")
    unfold(torch.ones(1, 1, *in_hw), [1, 1], [1, 1], [0, 0], [1, 1])  # "checks" the image size
    return _solution(weight, in_hw, *args, **kwargs)
