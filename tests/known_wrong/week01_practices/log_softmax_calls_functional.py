"""Calls the built-in it is asked to implement, from torch.nn.functional."""

import torch.nn.functional as F

EXPECT = {
    "exercise": "week01_practices.log_softmax",
    "check": "forbidden APIs",
    "message": r"uses forbidden .*torch\.nn\.functional\.log_softmax \(line \d+\)",
    "status": "banned",
}


def log_softmax(z, dim=-1):
    return F.log_softmax(z, dim=dim)
