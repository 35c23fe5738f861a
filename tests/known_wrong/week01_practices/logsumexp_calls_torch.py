"""Calls the built-in it is asked to implement, through the tensor method."""

EXPECT = {
    "exercise": "week01_practices.logsumexp",
    "check": "forbidden APIs",
    "message": r"uses forbidden .*torch\.Tensor\.logsumexp \(line \d+\)",
    "status": "banned",
}


def logsumexp(z, dim=-1, keepdim=False):
    return z.logsumexp(dim=dim, keepdim=keepdim)
