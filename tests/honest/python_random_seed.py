"""random.seed(0) from the standard library."""

import random

random.seed(0)

EXPECT = {"notes": [r"at import: Python's random state changed \(a seed or a draw\) \(undone\)"]}
