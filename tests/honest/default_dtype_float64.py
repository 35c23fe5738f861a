"""torch.set_default_dtype(torch.float64) at the top of the file, as many physics notebooks begin."""

import torch

torch.set_default_dtype(torch.float64)

EXPECT = {"notes": [r"at import: default dtype torch.float32 -> torch.float64 \(undone\)"]}
