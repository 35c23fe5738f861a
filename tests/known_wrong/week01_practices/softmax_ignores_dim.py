"""Always normalizes along the last axis, whatever dim says."""

EXPECT = {
    "exercise": "week01_practices.softmax",
    "check": "batch dims, dim=1, float32",
    "message": r"entries differ from the reference.*hint: normalize along dim, not along the last",
}

_solution = softmax  # noqa: F821 (the solution's function, defined above)


def softmax(z, dim=-1):
    return _solution(z, dim=-1)
