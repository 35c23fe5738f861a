"""Finds the reference's source next to the grader's code (through a stack frame) and runs it."""

import os
import sys

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"reading the grader's files is not allowed",
}


def softmax(z, dim=-1):
    frame = sys._getframe(1)
    while "autograder" not in frame.f_code.co_filename:
        frame = frame.f_back
    root = os.path.dirname(os.path.dirname(frame.f_code.co_filename))
    namespace = {}
    with open(os.path.join(root, "ml4p_ref", "week01_practices.py")) as source:
        exec(source.read(), namespace)
    return namespace["softmax"](z, dim)
