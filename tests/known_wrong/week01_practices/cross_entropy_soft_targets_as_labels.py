"""Turns probability targets into hard labels with argmax: soft targets lose their information."""

EXPECT = {
    "exercise": "week01_practices.cross_entropy_from_logits",
    "check": "probability targets, float64",
    "message": r"output: 1/1 entries differ from the reference",
}


def cross_entropy_from_logits(logits, target, reduction="mean"):
    if target.is_floating_point():
        target = target.argmax(dim=-1)
    shifted = logits - logits.amax(dim=-1, keepdim=True)
    log_probabilities = shifted - shifted.exp().sum(dim=-1, keepdim=True).log()
    per_sample = -log_probabilities.gather(-1, target.long()[:, None])[:, 0]
    if reduction == "mean":
        return per_sample.mean()
    return per_sample.sum() if reduction == "sum" else per_sample
