"""Ends the process without a word."""

import os

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"exited with status 0",
}


def softmax(z, dim=-1):
    os._exit(0)
