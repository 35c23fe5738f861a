"""Computes in float64 and forgets to cast back: the output's dtype is not the input's."""

EXPECT = {
    "exercise": "week01_practices.softmax",
    "check": "random logits, float32",
    "message": r"expected dtype float32 \(the input's\), got float64",
}


def softmax(z, dim=-1):
    z = z.double()
    weights = (z - z.amax(dim=dim, keepdim=True)).exp()
    return weights / weights.sum(dim=dim, keepdim=True)
