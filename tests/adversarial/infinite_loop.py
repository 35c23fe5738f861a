"""Never returns."""

EXPECT = {"exercise": "week01_practices.softmax", "status": "timeout", "message": r"time limit"}


def softmax(z, dim=-1):
    while True:
        pass
