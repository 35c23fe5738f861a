"""log(1 + exp(-|z|)) instead of log1p: a loss of 1e-22 rounds to 0."""

EXPECT = {
    "exercise": "week01_practices.bce_with_logits",
    "check": "confident and right: losses below 1e-17, float64",
    "message": r"entries differ from the reference.*hint: use log1p\(exp\(-\|z\|\)\)",
    "replace": {
        "torch.log1p(torch.exp(-z.abs()))": "torch.log(1 + torch.exp(-z.abs()))",
    },
}
