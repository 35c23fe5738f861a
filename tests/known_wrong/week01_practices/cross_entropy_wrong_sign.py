"""Forgets the minus sign: the loss is log p of the true class."""

EXPECT = {
    "exercise": "week01_practices.cross_entropy_from_logits",
    "check": "integer labels, float32",
    "message": r"entries differ from the reference.*hint: the cross-entropy is -log p",
}

_solution = cross_entropy_from_logits  # noqa: F821 (the solution's function, defined above)


def cross_entropy_from_logits(logits, target, reduction="mean"):
    return -_solution(logits, target, reduction)
