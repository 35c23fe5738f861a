"""Returns the decision as 0.0/1.0 floats instead of a bool tensor."""

EXPECT = {
    "exercise": "week01_practices.metropolis_step",
    "check": "vector states (B, d), Gaussian, float32",
    "message": r"accepted: expected dtype bool.*hint: accepted is the comparison itself",
    "replace": {
        "    return torch.where(keep, proposal, x), accepted": (
            "    return torch.where(keep, proposal, x), accepted.to(x.dtype)"
        )
    },
}
