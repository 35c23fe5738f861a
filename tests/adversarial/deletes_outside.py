"""Deletes its own source file (outside the working directory)."""

import os

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"writing outside the working directory is not allowed",
}


def softmax(z, dim=-1):
    os.remove(__file__)
    return z
