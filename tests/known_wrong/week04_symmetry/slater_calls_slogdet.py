"""Calls torch.linalg.slogdet, which the docstring forbids."""

EXPECT = {
    "exercise": "week04_symmetry.slater_logdet",
    "check": "forbidden APIs",
    "message": r"uses forbidden .*torch\.linalg\.slogdet",
    "status": "banned",
}


def slater_logdet(orbital_fn, x):
    import torch

    sign, logabs = torch.linalg.slogdet(orbital_fn(x))
    return sign, logabs
