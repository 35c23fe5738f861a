"""torch.set_grad_enabled(False) at the top, as in an evaluation notebook."""

import torch

torch.set_grad_enabled(False)

EXPECT = {"notes": [r"at import: grad mode True -> False \(undone\)"]}
