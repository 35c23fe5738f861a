"""Forks, and the child lives on."""

import os
import time

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"starting processes is not allowed",
}


def softmax(z, dim=-1):
    if os.fork() == 0:
        time.sleep(600)
    return z
