"""Takes the mean over every element (like F.mse_loss) instead of summing over the data dims."""

EXPECT = {
    "exercise": "week07_generative2.dsm_loss",
    "check": "image-shaped x0, per-sample sigma, float32",
    "message": r"output: 1/1 entries differ from the reference.*hint: sum over the non-batch dims, "
    r"then take the mean over the batch",
    "replace": {
        "    per_sample = 0.5 * (residual**2).reshape(batch, -1).sum(dim=1)\n"
        '    if weighting == "sigma2":\n'
        "        per_sample = per_sample * sigma_b**2\n"
        "    return per_sample.mean()\n": (
            "    squared = 0.5 * residual**2\n"
            '    if weighting == "sigma2":\n'
            "        squared = squared * sigma_bc**2\n"
            "    return squared.mean()\n"
        )
    },
}
