"""Hands the (B,) decision to torch.where as it is: it lines up with the last axis, not the batch."""

EXPECT = {
    "exercise": "week01_practices.metropolis_step",
    "check": "particles (B, n, dim), double well, float64",
    "message": r"raised RuntimeError.*hint: accepted has shape \(B,\): broadcast it",
    "replace": {
        "    return torch.where(keep, proposal, x), accepted": (
            "    return torch.where(accepted, proposal, x), accepted"
        )
    },
}
