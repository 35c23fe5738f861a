"""np.random.seed(0) and np.set_printoptions(precision=3, suppress=True) at the top."""

import numpy as np

np.random.seed(0)
np.set_printoptions(precision=3, suppress=True)

EXPECT = {
    "notes": [
        r"at import: numpy print options changed \(undone\)",
        r"at import: numpy's global random state changed \(a seed or a draw\) \(undone\)",
    ]
}
