"""Never returns."""

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "timeout",
    "message": r"time limit of 3 s of CPU time|wall-clock time",
    "timeout": 3,
}


def softmax(z, dim=-1):
    while True:
        pass
