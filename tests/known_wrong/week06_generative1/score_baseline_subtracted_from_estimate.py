"""Subtracts the baseline from the estimate instead of from f: the mean moves by -b."""

EXPECT = {
    "exercise": "week06_generative1.score_function_grad",
    "check": "baseline a float, float64",
    "message": r"entries differ from the reference.*hint: subtract the baseline from f inside",
    "lesson": True,
    "replace": {
        "    if baseline is not None:\n        f_x = f_x - baseline\n"
        "    return (f_x[:, None] * score).mean(dim=0)": (
            "    estimate = (f_x[:, None] * score).mean(dim=0)\n"
            "    return estimate if baseline is None else estimate - baseline"
        )
    },
}
