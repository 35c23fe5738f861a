"""Returns a tensor subclass whose comparisons always succeed."""

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"Agreeable, which is not plain data",
}


class Agreeable(torch.Tensor):
    def __eq__(self, other):
        return True


def softmax(z, dim=-1):
    return torch.zeros_like(z).as_subclass(Agreeable)
