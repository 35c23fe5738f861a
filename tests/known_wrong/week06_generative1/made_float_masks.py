"""Returns the masks as 0/1 floats, ready to multiply weights, where the docstring asks for bool."""

EXPECT = {
    "exercise": "week06_generative1.made_masks",
    "check": "d = 2, float64",
    "message": r"output\[0\]: expected dtype bool .*got float32; hint: the masks are bool tensors",
    "replace": {
        "masks.append(degrees[-1][:, None] < input_degrees[None, :])\n    return masks": (
            "masks.append(degrees[-1][:, None] < input_degrees[None, :])\n"
            "    return [mask.float() for mask in masks]"
        )
    },
}
