"""Returns the masks in the (in_features, out_features) layout of ``x @ W`` instead of the
(out_features, in_features) layout of ``torch.nn.Linear`` weights."""

EXPECT = {
    "exercise": "week06_generative1.made_masks",
    "check": "identity order, one hidden layer, float64",
    "message": r"output\[0\]: expected shape \[6, 4\], got \[4, 6\]; "
    r"hint: the masks are in torch.nn.Linear's weight layout",
    "replace": {
        "masks.append(input_degrees[:, None] > degrees[-1][None, :])\n    return masks": (
            "masks.append(input_degrees[:, None] > degrees[-1][None, :])\n"
            "    return [mask.T for mask in masks]"
        )
    },
}
