"""Sums the VJP e^T J over the coordinates: e^T J 1, the probe on one side only."""

EXPECT = {
    "exercise": "week07_generative2.hutchinson_divergence",
    "check": "tanh MLP field, Gaussian probes, float64",
    "message": r"hint: the estimate is e\^T J e",
    "lesson": True,
    "replace": {
        "    return (noise_jacobian * noise).sum(dim=-1)\n": "    return noise_jacobian.sum(dim=-1)\n"
    },
}
