"""Calls the built-in it is asked to implement."""

import torch

EXPECT = {
    "exercise": "week01_practices.softmax",
    "check": "forbidden APIs",
    "message": r"uses forbidden .*torch\.softmax \(line \d+\)",
    "status": "banned",
}


def softmax(z, dim=-1):
    return torch.softmax(z, dim=dim)
