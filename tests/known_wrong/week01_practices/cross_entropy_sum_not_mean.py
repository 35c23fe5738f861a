"""Forgets to divide by the batch size for reduction='mean'."""

EXPECT = {
    "exercise": "week01_practices.cross_entropy_from_logits",
    "check": "integer labels, float64",
    "message": r"entries differ from the reference.*hint: reduction='mean' divides",
}


def cross_entropy_from_logits(logits, target, reduction="mean"):
    shifted = logits - logits.amax(dim=-1, keepdim=True)
    log_probabilities = shifted - shifted.exp().sum(dim=-1, keepdim=True).log()
    if target.is_floating_point():
        per_sample = -(target * log_probabilities).sum(dim=-1)
    else:
        per_sample = -log_probabilities.gather(-1, target.long()[:, None])[:, 0]
    if reduction == "none":
        return per_sample
    return per_sample.sum()
