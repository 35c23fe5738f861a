"""Tries to write outside its directory and to start a process, catches the refusals and goes on;
returns garbage."""

import subprocess

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "failed",
    "message": r"entries differ",
    "note": r"in a call: refused: writing outside the working directory is not allowed",
}


def softmax(z, dim=-1):
    for attempt in (
        lambda: open("/tmp/caught-refusal-by-a-submission.txt", "w"),
        lambda: subprocess.run(["true"]),
    ):
        try:
            attempt()
        except OSError:
            pass
    return z * 0
