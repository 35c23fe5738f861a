"""Imports the grader to tamper with its comparison."""

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"importing autograder.* is not allowed",
}


def softmax(z, dim=-1):
    import autograder.compare

    autograder.compare.compare_case = lambda *args: None
    return z
