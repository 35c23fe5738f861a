"""Normalizes over the whole tensor instead of along ``dim``."""

EXPECT = {
    "exercise": "week01_practices.softmax",
    "check": "random logits, float64",
    "message": r"entries differ from the reference.*hint: normalize along dim",
}


def softmax(z, dim=-1):
    weights = (z - z.max()).exp()
    return weights / weights.sum()
