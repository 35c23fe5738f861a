"""Sums delta over the features instead of the batch for db."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Linear",
    "check": "batch of 5, 4 to 3 features, gradients",
    "message": r"gradient w\.r\.t\. b: expected shape \[3\], got \[5\]; hint: db = delta\.sum\(axis=0\)",
    "replace": {"delta.sum(axis=0)]": "delta.sum(axis=1)]"},
}
