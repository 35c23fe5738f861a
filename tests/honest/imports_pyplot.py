"""import matplotlib.pyplot at the top of the file (the course plots everything)."""

import matplotlib.pyplot as plt  # noqa: F401

EXPECT = {"notes": []}
