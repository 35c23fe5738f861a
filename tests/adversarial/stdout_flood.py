"""Prints without end: the output is capped, and the loop runs into the time limit."""

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "timeout",
    "message": r"time limit of 3 s of CPU time|wall-clock time",
    "note": r"output truncated: .* written to stdout",
    "timeout": 3,
}


def softmax(z, dim=-1):
    line = "spam " * 2000
    while True:
        print(line, flush=True)
