"""reduction='mean' returns the sum over the batch."""

EXPECT = {
    "exercise": "week01_practices.cross_entropy_from_logits",
    "check": "integer labels, float64",
    "message": r"entries differ from the reference.*hint: reduction='mean' divides",
    "replace": {
        '    if reduction == "mean":\n        return per_sample.mean()': (
            '    if reduction == "mean":\n        return per_sample.sum()'
        )
    },
}
