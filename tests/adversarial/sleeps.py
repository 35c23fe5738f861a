"""Sleeps far past the time limit."""

import time

EXPECT = {"exercise": "week01_practices.softmax", "status": "timeout", "message": r"time limit"}


def softmax(z, dim=-1):
    time.sleep(10_000)
