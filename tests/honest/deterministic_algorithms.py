"""torch.use_deterministic_algorithms(True), for reproducible runs."""

import torch

torch.use_deterministic_algorithms(True)

EXPECT = {
    "notes": [r"at import: deterministic algorithms \(False, False\) -> \(True, False\) \(undone\)"]
}
