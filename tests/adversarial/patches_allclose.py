"""Makes every closeness test pass, then returns garbage."""

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"entries differ|torch.allclose replaced",
}


def softmax(z, dim=-1):
    torch.allclose = lambda *args, **kwargs: True
    torch.testing.assert_close = lambda *args, **kwargs: None
    return torch.zeros_like(z)
