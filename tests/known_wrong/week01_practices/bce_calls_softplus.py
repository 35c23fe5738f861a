"""softplus(z) - z*y is the exercise in one call: forbidden."""

import torch.nn.functional as F

EXPECT = {
    "exercise": "week01_practices.bce_with_logits",
    "check": "forbidden APIs",
    "message": r"uses forbidden .*softplus",
    "status": "banned",
}


def bce_with_logits(z, y):
    return F.softplus(z) - z * y
