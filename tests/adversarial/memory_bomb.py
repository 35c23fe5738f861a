"""Allocates memory in ever larger chunks until something gives."""

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"ran out of memory",
    "timeout": 120,  # every case zero-fills a GiB before it runs out: plenty of CPU time for that
}


def softmax(z, dim=-1):
    hoard, size = [], 2**30
    while True:
        hoard.append(bytearray(size))
        size *= 4
