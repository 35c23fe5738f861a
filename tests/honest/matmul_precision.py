"""torch.set_float32_matmul_precision("high"), as recommended for GPUs with TF32."""

import torch

torch.set_float32_matmul_precision("high")

EXPECT = {"notes": [r"at import: float32 matmul precision highest -> high \(undone\)"]}
