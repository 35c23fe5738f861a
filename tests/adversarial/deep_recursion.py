"""Lifts the recursion limit and recurses through C code until the C stack overflows."""

import sys

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"segmentation fault",
}


def _deeper(n):
    return list(map(_deeper, [n + 1]))


def softmax(z, dim=-1):
    sys.setrecursionlimit(10**8)
    return _deeper(0)
