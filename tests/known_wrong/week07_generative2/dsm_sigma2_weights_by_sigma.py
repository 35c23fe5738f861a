"""weighting='sigma2' multiplies by sigma instead of sigma**2."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "sigma2 weighting, per-sample sigma, float64",
    "message": r"output: 1/1 entries differ from the reference.*hint: weighting='sigma2' "
    r"multiplies each sample's loss by sigma_b\*\*2",
    "replace": {
        "        per_sample = per_sample * sigma_b**2\n": "        per_sample = per_sample * sigma_b\n"
    },
}
