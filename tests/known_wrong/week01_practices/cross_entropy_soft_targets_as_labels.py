"""Turns probability targets into hard labels with argmax: soft targets lose their information."""

EXPECT = {
    "exercise": "week01_practices.cross_entropy_from_logits",
    "check": "probability targets, float64",
    "message": r"output: 1/1 entries differ from the reference.*hint: probability targets weigh",
}

_solution = cross_entropy_from_logits  # noqa: F821 (the solution's function, defined above)


def cross_entropy_from_logits(logits, target, reduction="mean"):
    if target.is_floating_point():
        target = target.argmax(dim=-1)
    return _solution(logits, target, reduction)
