"""Imports the instructor's solution."""

EXPECT = {
    "exercise": "week01_practices.softmax",
    "status": "error",
    "message": r"importing solutions.* is not allowed",
}


def softmax(z, dim=-1):
    from solutions.week01_practices import softmax as theirs

    return theirs(z, dim)
