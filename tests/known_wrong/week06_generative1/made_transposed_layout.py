"""Returns the masks in the (out_features, in_features) layout of ``torch.nn.Linear`` weights
instead of the (in_features, out_features) layout of ``W`` in ``x @ W + b``."""

EXPECT = {
    "exercise": "week06_generative1.made_masks",
    "check": "identity order, one hidden layer, float64",
    "message": r"output\[0\]: expected shape \[4, 6\], got \[6, 4\]; "
    r"hint: the masks have the layout of W in x @ W \+ b",
    "replace": {
        "masks.append(degrees[-1][:, None] < input_degrees[None, :])\n    return masks": (
            "masks.append(degrees[-1][:, None] < input_degrees[None, :])\n"
            "    return [mask.T for mask in masks]"
        )
    },
}
