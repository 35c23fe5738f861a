"""log1p(exp(-z)) without the absolute value: wrong for negative z, and l(z, 1) != l(-z, 0)."""

EXPECT = {
    "exercise": "week01_practices.bce_with_logits",
    "check": "symmetry l(z, 1) = l(-z, 0), float64, symmetry",
    "message": r"l\(z, 1\) and l\(-z, 0\) differ",
    "replace": {"torch.exp(-z.abs())": "torch.exp(-z)"},
}
