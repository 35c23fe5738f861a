"""Takes the drift step eps where eps/2 belongs (x + eps score + sqrt(eps) noise)."""

EXPECT = {
    "exercise": "week07_generative2.langevin_step",
    "check": "Gaussian target, 20000 chains at the stationary variance, float64, stationary variance",
    "message": r"must stay there after one step; yours are at 1\.3",
    "lesson": True,
    "replace": {
        "    return x + 0.5 * eps * score_fn(x) + root * noise\n": (
            "    return x + eps * score_fn(x) + root * noise\n"
        )
    },
}
