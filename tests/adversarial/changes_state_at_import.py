"""At import, switches off gradients, changes the default dtype, numpy's error state and the thread
count, and seeds every generator; returns garbage."""

import numpy as np
import torch

torch.set_grad_enabled(False)
torch.set_default_dtype(torch.float64)
np.seterr(all="raise")
torch.set_num_threads(2)
torch.manual_seed(0)

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"entries differ",
    "note": r"at import: grad mode True -> False \(undone\)",
}


def softmax(z, dim=-1):
    return torch.full_like(z, 0.5)
