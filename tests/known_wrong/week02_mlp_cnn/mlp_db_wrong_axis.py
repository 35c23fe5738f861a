"""Sums delta over the units instead of the batch for db."""

EXPECT = {
    "exercise": "week02_mlp_cnn.mlp_loss_and_grads",
    "check": "depth 2, batch of 6, gradients",
    "message": r"gradient w\.r\.t\. b1: expected shape \[5\], got \[6\]; hint: db = delta\.sum\(axis=0\)",
    "replace": {"delta.sum(axis=0)]": "delta.sum(axis=1)]"},
}
