"""The same missing broadcast where B == d: no error, but coordinates are mixed across rows."""

EXPECT = {
    "exercise": "week01_practices.metropolis_step",
    "check": "B = d: decide per configuration, float64, x_new follows accepted",
    "message": r"configuration \d+ was (accepted|rejected)",
    "replace": {
        "    return torch.where(keep, proposal, x), accepted": (
            "    return torch.where(accepted, proposal, x), accepted"
        )
    },
}
