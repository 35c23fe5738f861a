"""The missing broadcast where B == d, seen in the values: the hint names it."""

EXPECT = {
    "exercise": "week01_practices.metropolis_step",
    "check": "B = d: decide per configuration, float64",
    "message": r"x_new: \d+/16 entries differ from the reference.*hint: accepted has shape \(B,\)",
    "replace": {
        "    return torch.where(keep, proposal, x), accepted": (
            "    return torch.where(accepted, proposal, x), accepted"
        )
    },
}
