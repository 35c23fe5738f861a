"""Starts a child process meant to outlive the grader."""

import subprocess

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"starting processes is not allowed",
}


def softmax(z, dim=-1):
    subprocess.Popen(["sleep", "600"])
    return z
