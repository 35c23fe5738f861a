"""torch.set_printoptions(precision=10, sci_mode=False), to read small differences."""

import torch

torch.set_printoptions(precision=10, sci_mode=False)

EXPECT = {"notes": [r"at import: torch print options changed \(undone\)"]}
