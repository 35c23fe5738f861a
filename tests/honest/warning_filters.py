"""warnings.filterwarnings("ignore") at the top, to silence noisy libraries."""

import warnings

warnings.filterwarnings("ignore")

EXPECT = {"notes": [r"at import: warning filters changed \(undone\)"]}
