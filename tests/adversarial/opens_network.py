"""Tries to phone home."""

import socket

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"network access is not allowed",
}


def softmax(z, dim=-1):
    with socket.create_connection(("127.0.0.1", 9), timeout=1):
        pass
    return z
