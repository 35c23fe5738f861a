"""Normalises each probe to unit length: E[e e^T] = I/D, the estimate is biased by 1/D."""

EXPECT = {
    "exercise": "week07_generative2.hutchinson_divergence",
    "check": "linear field, many Rademacher probes, float64, unbiased, variance formula (rademacher)",
    "message": r"the estimator must be unbiased: the mean of 20000 estimates",
    "replace": {
        "    v = v_fn(point)\n    (noise_jacobian,)": (
            "    noise = noise / noise.norm(dim=-1, keepdim=True)\n    v = v_fn(point)\n    (noise_jacobian,)"
        )
    },
}
