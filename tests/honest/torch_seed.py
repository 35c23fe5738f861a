"""torch.manual_seed(0) at the top, for reproducible experiments."""

import torch

torch.manual_seed(0)

EXPECT = {
    "notes": [r"at import: torch's global random state changed \(a seed or a draw\) \(undone\)"]
}
