"""Prints about 100 MB at import; returns garbage."""

import sys

_line = "x" * 9999 + "\n"
for _ in range(10_000):
    sys.stdout.write(_line)

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"entries differ",
    "note": r"output truncated: 100.0 MB written to stdout",
}


def softmax(z, dim=-1):
    return torch.ones_like(z)  # noqa: F821 (the solution imported torch)
