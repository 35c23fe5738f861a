"""The textbook formula without the max shift: exp overflows at large logits."""

EXPECT = {
    "exercise": "week01_practices.softmax",
    "check": "large logits, float32",
    "message": r"entries are nan where the reference is finite.*hint: subtract the maximum",
}


def softmax(z, dim=-1):
    weights = z.exp()
    return weights / weights.sum(dim=dim, keepdim=True)
