"""Always normalizes the last axis, whatever ``dim`` says."""

EXPECT = {
    "exercise": "week01_practices.softmax",
    "check": "batch dims, dim=1, float32",
    "message": r"entries differ from the reference",
}


def softmax(z, dim=-1):
    shifted = z - z.amax(dim=-1, keepdim=True)
    weights = shifted.exp()
    return weights / weights.sum(dim=-1, keepdim=True)
