"""Scales the noise by eps instead of sqrt(eps)."""

EXPECT = {
    "exercise": "week07_generative2.langevin_step",
    "check": "vector x, float eps, float64",
    "message": r"output: .*hint: the noise is scaled by sqrt\(eps\), not eps",
    "replace": {
        "    return x + 0.5 * eps * score_fn(x) + root * noise\n": (
            "    return x + 0.5 * eps * score_fn(x) + eps * noise\n"
        )
    },
}
