"""Computes the encoding in float64 on the CPU with exp and log, then casts it to the dtype and
device asked for."""

import math

import torch

EXPECT = {"exercise": "week03_gnn_transformer.sinusoidal_positions"}


def sinusoidal_positions(n, d, dtype=torch.float32, device=None):
    position = torch.arange(n, dtype=torch.float64)[:, None]
    frequency = torch.exp(-math.log(10000.0) * torch.arange(0, d, 2, dtype=torch.float64) / d)
    angles = position * frequency
    encoding = torch.stack([angles.sin(), angles.cos()], dim=-1).reshape(n, -1)[:, :d]
    return encoding.to(dtype=dtype, device=device)
