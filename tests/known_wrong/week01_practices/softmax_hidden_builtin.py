"""Reaches the built-in through getattr, where a text search cannot see it."""

EXPECT = {
    "exercise": "week01_practices.softmax",
    "check": "forbidden APIs",
    "message": r"uses forbidden .*torch\.Tensor\.softmax \(line \d+\)",
    "status": "banned",
}


def softmax(z, dim=-1):
    method = getattr(z, "soft" + "max")
    return method(dim)
