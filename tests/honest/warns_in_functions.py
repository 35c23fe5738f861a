"""Issues a warning inside every graded function and method."""

import warnings  # noqa: F401 (used by the line inserted in every function)

EXPECT = {"notes": [], "in_body": "warnings.warn('this implementation is slow', stacklevel=1)"}
