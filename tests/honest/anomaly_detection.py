"""torch.autograd.set_detect_anomaly(True), to find where a NaN gradient comes from."""

import torch

torch.autograd.set_detect_anomaly(True)

EXPECT = {"notes": [r"at import: anomaly detection \(False, True\) -> \(True, True\) \(undone\)"]}
