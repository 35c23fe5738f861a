"""Connects the outputs to the degrees of the last hidden layer it built in the loop: with no
hidden layer there is none, and the code raises."""

import torch

EXPECT = {
    "exercise": "week06_generative1.made_masks",
    "check": "no hidden layer: one (d, d) mask, float64",
    "message": r"raised UnboundLocalError.*hint: with no hidden layer the single \(d, d\) mask",
}


def made_masks(d, hidden, order=None):
    if order is None:
        order = torch.arange(d)
    input_degrees = order.long() + 1
    previous, masks = input_degrees, []
    for width in hidden:
        layer = torch.arange(width) % (d - 1) + 1
        masks.append(previous[:, None] <= layer[None, :])
        previous = layer
    masks.append(layer[:, None] < input_degrees[None, :])
    return masks
