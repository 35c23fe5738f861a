"""Detaches the score: no gradient reaches the score network or x through the drift."""

EXPECT = {
    "exercise": "week07_generative2.langevin_step",
    "check": "vector x, float eps, float64, gradients",
    "message": r"gradient w\.r\.t\. ",
    "replace": {
        "    return x + 0.5 * eps * score_fn(x) + root * noise\n": (
            "    return x + 0.5 * eps * score_fn(x).detach() + root * noise\n"
        )
    },
}
