"""log(softmax(z)) underflows to -inf where the exact answer is -1e4."""

EXPECT = {
    "exercise": "week01_practices.log_softmax",
    "check": "z = [1e4, 0] gives [0, -1e4], float64",
    "message": r"entries are -inf where the reference is finite.*hint: log\(softmax\(z\)\) underflows",
    "lesson": True,
}


def log_softmax(z, dim=-1):
    shifted = z - z.amax(dim=dim, keepdim=True)
    weights = shifted.exp()
    return (weights / weights.sum(dim=dim, keepdim=True)).log()
