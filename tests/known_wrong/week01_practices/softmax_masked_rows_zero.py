"""Guards against NaN by zeroing non-finite results: an all -inf row must give nan, as torch does."""

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "check": "all -inf row gives nan, float64",
    "message": r"entries differ from the reference.*expected nan",
}


def softmax(z, dim=-1):
    shifted = z - z.amax(dim=dim, keepdim=True)
    weights = shifted.exp()
    result = weights / weights.sum(dim=dim, keepdim=True)
    return torch.nan_to_num(result, nan=0.0)
