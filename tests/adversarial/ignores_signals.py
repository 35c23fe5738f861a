"""Ignores SIGTERM, SIGINT, SIGALRM and SIGXCPU (the CPU time limit), then spins."""

import signal

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "timeout",
    "message": r"killed \(SIGKILL\) after running past its time limit of 3 s|wall-clock time",
    "timeout": 3,
}


def softmax(z, dim=-1):
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGXCPU):
        signal.signal(number, signal.SIG_IGN)
    while True:
        pass
