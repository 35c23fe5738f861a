"""Shifts by a max that can be -inf: an all -inf row gives nan instead of -inf."""

EXPECT = {
    "exercise": "week01_practices.logsumexp",
    "check": "all -inf row gives -inf, float64",
    "message": r"entries differ from the reference.*hint: when the maximum is not finite",
}


def logsumexp(z, dim=-1, keepdim=False):
    shift = z.amax(dim=dim, keepdim=True)
    result = shift + (z - shift).exp().sum(dim=dim, keepdim=True).log()
    return result if keepdim else result.squeeze(dim)
