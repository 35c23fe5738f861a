"""Sleeps far past the time limit."""

import time

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "timeout",
    "message": r"within 16 s of wall-clock time",
    "timeout": 3,
}


def softmax(z, dim=-1):
    time.sleep(10_000)
