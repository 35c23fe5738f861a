"""Prints without end."""

EXPECT = {"exercise": "week01_practices.softmax", "status": "error", "message": r"file-size limit"}


def softmax(z, dim=-1):
    line = "spam " * 2000
    while True:
        print(line, flush=True)
