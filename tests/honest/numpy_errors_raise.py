"""np.seterr(all="raise") at the top, to catch overflows early."""

import numpy as np

np.seterr(all="raise")

EXPECT = {"notes": [r"at import: numpy error state .* \(undone\)"]}
