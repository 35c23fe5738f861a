"""Sums delta over the features for db; with B = F_out the shape is right, the values are not."""

EXPECT = {
    "exercise": "week02_mlp_cnn.Linear",
    "check": "batch size equals F_out, gradients",
    "message": r"gradient w\.r\.t\. b: \d+/3 entries differ.*hint: db = delta\.sum\(axis=0\)",
    "replace": {"delta.sum(axis=0)]": "delta.sum(axis=-1)]"},
}
