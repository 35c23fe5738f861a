"""Draws fresh Gaussian probes instead of using the given noise: forbidden, and not reproducible."""

EXPECT = {
    "exercise": "week07_generative2.hutchinson_divergence",
    "check": "linear field, many Rademacher probes, float64, unbiased, variance formula (rademacher)",
    "message": r"the variance of e\^T J e for rademacher probes is 2 sum_\{i!=j\} S_ij\^2",
    "status": "banned",
    "replace": {
        "    v = v_fn(point)\n    (noise_jacobian,)": "    noise = torch.randn_like(x)\n    v = v_fn(point)\n    (noise_jacobian,)"
    },
}
