"""torch.set_num_threads(2), tuned for a laptop."""

import torch

torch.set_num_threads(2)

EXPECT = {"notes": [r"at import: number of torch threads 1 -> 2 \(undone\)"]}
