"""Raises SystemExit from inside the function."""

import sys

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"tried to end the worker",
}


def softmax(z, dim=-1):
    sys.exit(0)
