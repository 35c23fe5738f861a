"""log(sum(exp(z))) as written on paper: exp overflows to inf for logits of 1e4."""

EXPECT = {
    "exercise": "week01_practices.logsumexp",
    "check": "large logits, float32",
    "message": r"entries are \+inf where the reference is finite.*hint: subtract the maximum",
    "lesson": True,
    "replace": {
        "    total = (z - shift).exp().sum(dim=dim, keepdim=True)\n    result = shift + total.log()": (
            "    result = z.exp().sum(dim=dim, keepdim=True).log()"
        )
    },
}
