"""A tuple of masks (the docstring accepts one), filled unit by unit with Python loops."""

from itertools import pairwise

import torch

EXPECT = {"exercise": "week06_generative1.made_masks"}


def made_masks(d, hidden, order=None):
    positions = list(range(d)) if order is None else [int(p) for p in order]
    degrees = [[p + 1 for p in positions]]
    degrees += [[k % (d - 1) + 1 for k in range(width)] for width in hidden]
    degrees.append([p + 1 for p in positions])
    masks = []
    for layer, (below, above) in enumerate(pairwise(degrees)):
        strict = layer == len(degrees) - 2
        mask = torch.zeros(len(below), len(above), dtype=torch.bool)
        for out_unit, high in enumerate(above):
            for in_unit, low in enumerate(below):
                mask[in_unit, out_unit] = high > low if strict else high >= low
        masks.append(mask)
    return tuple(masks)
