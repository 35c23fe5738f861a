"""Treats every weighting other than 'sigma2' as 'none', so a typo goes unnoticed."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "weighting='sigma^2', float64, raises ValueError",
    "message": r"^weighting='sigma\^2' must raise ValueError; yours returned a value$",
    "replace": {
        '    if weighting not in ("none", "sigma2"):\n'
        "        raise ValueError(f\"unknown weighting {weighting!r}; use 'none' or 'sigma2'\")\n": ""
    },
}
