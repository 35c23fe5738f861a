"""Ignores SIGTERM, SIGINT and SIGALRM, then spins."""

import signal

EXPECT = {"exercise": "week01_practices.softmax", "status": "timeout", "message": r"time limit"}


def softmax(z, dim=-1):
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM):
        signal.signal(number, signal.SIG_IGN)
    while True:
        pass
