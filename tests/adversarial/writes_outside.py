"""Writes a file next to the submission and in /tmp."""

import os

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"writing outside the working directory is not allowed",
}


def softmax(z, dim=-1):
    with open(os.path.join(os.path.dirname(__file__), "pwned.txt"), "w") as out:
        out.write("pwned")
    with open("/tmp/pwned-by-a-submission.txt", "w") as out:
        out.write("pwned")
    return z
