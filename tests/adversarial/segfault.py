"""Dereferences a null pointer through ctypes."""

import ctypes

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"segmentation fault",
}


def softmax(z, dim=-1):
    return ctypes.string_at(0)
